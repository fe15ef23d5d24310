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
    /// <param name="aggregateId">The event's stream: subscribers order and deduplicate by (publisher, aggregate id, version).</param>
    /// <param name="aggregateVersion">The aggregate's version after the change; subscribers use it to drop stale events,
    /// so one stream never has two events at one version.</param>
    public static OutboxMessage AddEvent<TEvent>(
        this DbContext db, TEvent @event, string aggregateId, int aggregateVersion, DateTimeOffset occurredAt)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(db);
        // A subscriber keeps the newest version it has applied per (publisher, aggregate id) and drops the rest, so a
        // second event at the same version of the same stream would be lost to it: give such an event its own stream.
        if (db.ChangeTracker.Entries<OutboxMessage>().Any(m => m.State == EntityState.Added &&
                m.Entity.AggregateId == aggregateId && m.Entity.AggregateVersion == aggregateVersion))
        {
            throw new InvalidOperationException(
                $"{@event.GetType().Name} would be a second event at version {aggregateVersion} of {aggregateId}; subscribers would drop one of them.");
        }

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
