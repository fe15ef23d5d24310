namespace Commerce.ServiceDefaults.Messaging;

internal interface IEventHandlerRegistration
{
    EventSubscription Subscription { get; }

    bool IgnoreStaleVersions { get; }

    Task InvokeAsync(EventEnvelope envelope, DbContext db, IServiceProvider services, CancellationToken cancellationToken);
}

internal sealed class EventHandlerRegistration<TEvent, TDbContext>(
    EventSubscription subscription,
    Func<IncomingEvent<TEvent>, TDbContext, CancellationToken, Task> handler,
    bool ignoreStaleVersions) : IEventHandlerRegistration
    where TDbContext : DbContext
{
    public EventSubscription Subscription => subscription;

    public bool IgnoreStaleVersions => ignoreStaleVersions;

    public Task InvokeAsync(EventEnvelope envelope, DbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        var @event = envelope.PayloadAs<TEvent>();
        return handler(
            new IncomingEvent<TEvent>(@event, envelope.Id, envelope.Source, envelope.AggregateId, envelope.AggregateVersion,
                envelope.OccurredAt, services),
            (TDbContext)db,
            cancellationToken);
    }
}
