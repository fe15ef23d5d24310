using System.Text.Json;

namespace Commerce.ServiceDefaults.Messaging;

public static class OutboxExtensions
{
    /// <summary>
    /// Queues a domain event in the context's outbox. It is written by the same SaveChanges (and so the same
    /// transaction) as the state change; the dispatcher delivers it to subscribers afterwards, at least once.
    /// The runtime type's name is the event type subscribers register for (so an event passed as a base type or
    /// <c>object</c> is still recorded under its own name).
    /// </summary>
    /// <param name="aggregateVersion">The aggregate's version after the change; subscribers use it to drop stale events.</param>
    public static OutboxMessage AddEvent<TEvent>(
        this DbContext db, TEvent @event, string aggregateId, int aggregateVersion, DateTimeOffset occurredAt)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(db);
        var message = new OutboxMessage
        {
            Id = Guid.CreateVersion7(),
            Type = @event.GetType().Name,
            AggregateId = aggregateId,
            AggregateVersion = aggregateVersion,
            OccurredAt = occurredAt,
            Payload = JsonSerializer.Serialize(@event, @event.GetType(), CommerceJson.Options),
            TraceParent = MessagingTelemetry.CurrentTraceParent(),
        };
        db.Set<OutboxMessage>().Add(message);
        PendingEvents.Mark(db);
        return message;
    }

    /// <inheritdoc cref="AddEvent{TEvent}(DbContext, TEvent, string, int, DateTimeOffset)"/>
    public static OutboxMessage AddEvent<TEvent>(
        this DbContext db, TEvent @event, Guid aggregateId, int aggregateVersion, DateTimeOffset occurredAt)
        where TEvent : notnull =>
        db.AddEvent(@event, aggregateId.ToString(), aggregateVersion, occurredAt);
}
