using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Commerce.ServiceDefaults.Messaging;

/// <summary>
/// Spans and metrics of event delivery. A delivery's span continues the trace of the request whose transaction
/// wrote the event (its W3C traceparent is stored with the outbox row), and the subscriber's inbox continues the
/// delivery's, so an event's effects stay in the trace of the business request that caused them.
/// </summary>
internal static class MessagingTelemetry
{
    public const string Name = "Commerce.Messaging";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Deliveries = Meter.CreateCounter<long>(
        "commerce.outbox.deliveries", "{delivery}", "Delivery attempts by outcome (delivered, failed, dead_lettered).");

    private static readonly Histogram<double> Lag = Meter.CreateHistogram<double>(
        "commerce.outbox.delivery.lag", "s", "From the event's commit to its successful delivery to one subscriber.");

    private static readonly Counter<long> InboxEvents = Meter.CreateCounter<long>(
        "commerce.inbox.events", "{event}", "Events received by a subscriber's inbox, by outcome.");

    /// <summary>The W3C id of the current span, kept with an outbox row; null outside any trace.</summary>
    public static string? CurrentTraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    public static Activity? StartDelivery(string context, Guid eventId, string eventType, string subscriber, int attempt, string? traceParent)
    {
        var parent = ActivityContext.TryParse(traceParent, null, isRemote: true, out var stored) ? stored : default;
        return Source.StartActivity($"deliver {eventType} to {subscriber}", ActivityKind.Producer, parent, tags:
        [
            new("messaging.system", "commerce.outbox"),
            new("messaging.operation.type", "send"),
            new("messaging.destination.name", subscriber),
            new("messaging.message.id", eventId.ToString()),
            new("commerce.context", context),
            new("commerce.event.type", eventType),
            new("commerce.delivery.attempt", attempt),
        ]);
    }

    public static void Delivered(string context, string subscriber, DateTimeOffset occurredAt, DateTimeOffset now)
    {
        Deliveries.Add(1, new("commerce.context", context), new("messaging.destination.name", subscriber), new("outcome", "delivered"));
        Lag.Record((now - occurredAt).TotalSeconds, new KeyValuePair<string, object?>("commerce.context", context),
            new("messaging.destination.name", subscriber));
    }

    public static void Failed(string context, string subscriber, bool dead) =>
        Deliveries.Add(1, new("commerce.context", context), new("messaging.destination.name", subscriber),
            new("outcome", dead ? "dead_lettered" : "failed"));

    public static Activity? StartInbox(string context, EventEnvelope envelope) =>
        Source.StartActivity($"process {envelope.Type} from {envelope.Source}", ActivityKind.Consumer, parentContext: default, tags:
        [
            new("messaging.system", "commerce.outbox"),
            new("messaging.operation.type", "process"),
            new("messaging.destination.name", context),
            new("messaging.message.id", envelope.Id.ToString()),
            new("commerce.event.type", envelope.Type),
            new("commerce.event.source", envelope.Source),
        ]);

    public static void Received(string context, EventEnvelope envelope, InboxOutcome outcome, Activity? span)
    {
        span?.SetTag("commerce.inbox.outcome", outcome.ToString());
        InboxEvents.Add(1, new("commerce.context", context), new("commerce.event.source", envelope.Source), new("outcome", outcome.ToString()));
    }
}
