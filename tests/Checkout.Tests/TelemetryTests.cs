using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Commerce.Checkout.Contracts;
using Commerce.Testing;
using Commerce.Workflows.OrderSaga;
using Commerce.Workflows.Temporal;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Commerce.Checkout.Tests;

/// <summary>
/// Traces and metrics of the whole system. One submit is one trace: the Checkout request, the saga's activities, the owners' requests they make and the
/// deliveries of the events those requests wrote all carry the submit request's trace id. Spans are read from the
/// hosts' own OpenTelemetry pipeline (what AddCommerceTelemetry registers), through a recording processor.
/// </summary>
public sealed class TelemetryTests(TelemetryTests.TracedSystem system) : IClassFixture<TelemetryTests.TracedSystem>
{
    [Fact]
    public async Task Submit_HappyPath_OneTraceFromRequestThroughActivitiesOwnersAndEventDeliveries()
    {
        var order = await system.NewOrderAsync();

        await system.Checkout.SubmitAsync(order.OrderId, new SubmitCheckoutRequest(order.PaymentMethodId));
        Assert.Equal(SagaStages.Delivered, (await system.Saga(order.OrderId).GetResultAsync()).Outcome);

        var submit = await system.Spans.WaitForAsync("of the submit request", span =>
            span.Kind == ActivityKind.Server && Path(span) == $"/checkout/orders/{order.OrderId}/submit");
        var trace = submit.TraceId;
        // The last hops: Notification's inbox taking OrderDelivered (written by the saga's last owner call), and the
        // carrier's ShipmentDelivered delivered to Checkout, which relays it to the saga as a signal.
        await system.Spans.WaitForAsync("of Notification's inbox taking OrderDelivered in the submit's trace", span =>
            span.TraceId == trace && span.Kind == ActivityKind.Consumer
            && Tag(span, "commerce.event.type") == "OrderDelivered");
        await system.Spans.WaitForAsync("of ShipmentDelivered's delivery to Checkout in the submit's trace", span =>
            span.TraceId == trace && span.Kind == ActivityKind.Producer
            && Tag(span, "commerce.event.type") == "ShipmentDelivered");
        var spans = system.Spans.InTrace(trace);

        var workflowId = OrderSagaWorkflow.IdFor(order.OrderId);
        var activities = system.Spans.All.Where(span => span.OperationName.StartsWith("RunActivity:", StringComparison.Ordinal)
                                                        && Tag(span, "temporalWorkflowID") == workflowId).ToList();
        Assert.True(activities.Count >= 9, $"expected the saga's 9 activities, saw {activities.Count}");
        Assert.All(activities, span => Assert.Equal(trace, span.TraceId));

        var bySpanId = spans.ToDictionary(span => span.SpanId);
        foreach (var owner in (string[])["/orders", "/inventory", "/payments", "/shipments"])
        {
            var calls = spans.Where(span => span.Kind == ActivityKind.Server && Path(span)?.StartsWith(owner, StringComparison.Ordinal) == true
                                            && Ancestors(span, bySpanId).Any(activities.Contains)).ToList();
            Assert.True(calls.Count > 0, $"no request to {owner} made by an activity in the submit's trace");
        }

        var deliveries = spans.Where(span => span.Source.Name == "Commerce.Messaging" && span.Kind == ActivityKind.Producer).ToList();
        Assert.Contains(deliveries, span => Tag(span, "commerce.event.type") == "ShipmentDelivered"
                                            && Tag(span, "messaging.destination.name") == "Checkout");
        Assert.All(deliveries, span => Assert.Equal(ActivityStatusCode.Unset, span.Status));
        Assert.Contains(spans, span => span.Kind == ActivityKind.Consumer && Tag(span, "commerce.event.type") == "OrderConfirmed");
        Assert.Contains(spans, span => span.OperationName.StartsWith("HandleSignal:", StringComparison.Ordinal));
        // The dispatchers' polling (claiming due deliveries) is bookkeeping, not a request: it leaves no spans.
        Assert.DoesNotContain(system.Spans.All, span => span.Source.Name == "Npgsql"
                                                        && Tag(span, "db.query.text")?.Contains("outbox_deliveries d", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Submit_HappyPath_TemporalSdkMetricsReachTheCommerceTemporalMeter()
    {
        var seen = new ConcurrentDictionary<string, bool>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, meters) =>
            {
                if (instrument.Meter.Name == TemporalMetrics.MeterName)
                {
                    meters.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, _, _) => seen[instrument.Name] = true);
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => seen[instrument.Name] = true);
        listener.Start();
        var order = await system.NewOrderAsync();

        await system.Checkout.SubmitAsync(order.OrderId, new SubmitCheckoutRequest(order.PaymentMethodId));
        await system.Saga(order.OrderId).GetResultAsync();

        // The worker's own measurements (Temporal's names, e.g. temporal_activity_execution_latency), not ours.
        Assert.Contains(seen.Keys, name => name.StartsWith("temporal_activity_", StringComparison.Ordinal));
        Assert.Contains(seen.Keys, name => name.StartsWith("temporal_workflow_", StringComparison.Ordinal));
    }

    private static string? Path(Activity span) => Tag(span, "url.path");

    private static string? Tag(Activity span, string name) => span.GetTagItem(name)?.ToString();

    private static IEnumerable<Activity> Ancestors(Activity span, Dictionary<ActivitySpanId, Activity> bySpanId)
    {
        for (var parent = span.ParentSpanId; bySpanId.TryGetValue(parent, out var next); parent = next.ParentSpanId)
        {
            yield return next;
        }
    }

    public sealed class TracedSystem : SagaSystem
    {
        public SpanRecorder Spans { get; } = new();

        protected override void ConfigureServices(IServiceCollection services) =>
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(Spans));
    }

    /// <summary>Every span the host's pipeline ends, kept in memory (the processor sees them after sampling).</summary>
    public sealed class SpanRecorder : BaseProcessor<Activity>
    {
        private readonly ConcurrentQueue<Activity> spans = new();

        public IReadOnlyList<Activity> All => [.. spans];

        public IReadOnlyList<Activity> InTrace(ActivityTraceId trace) => [.. spans.Where(span => span.TraceId == trace)];

        public override void OnEnd(Activity data) => spans.Enqueue(data);

        /// <summary>Polls for a span (spans end on other threads and raise nothing to await), for at most 30 s.</summary>
        public async Task<Activity> WaitForAsync(string what, Func<Activity, bool> match)
        {
            try
            {
                return (await Poll.UntilAsync(() => Task.FromResult(spans.FirstOrDefault(match)), span => span is not null))!;
            }
            catch (TimeoutException)
            {
                throw new Xunit.Sdk.XunitException($"No span {what} within 30 s.");
            }
        }
    }
}
