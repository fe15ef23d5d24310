namespace Commerce.ServiceDefaults.Messaging;

/// <summary>
/// Who receives which events: every co-hosted context's declared handlers, plus the configured
/// Commerce:Outbox:Subscriptions:{Subscriber}:{Publisher} = [types] for subscribers hosted elsewhere.
/// </summary>
public sealed class EventSubscriptions(IEnumerable<CommerceContextRegistration> contexts, IOptions<OutboxOptions> options)
{
    private readonly Lazy<ILookup<(string Publisher, string Type), string>> table = new(() =>
        contexts.SelectMany(c => c.Handles.Select(h => (Key: (h.Publisher, h.EventType), Subscriber: c.Name)))
            .Concat(options.Value.Subscriptions.SelectMany(subscriber => subscriber.Value.SelectMany(publisher =>
                publisher.Value.Select(type => (Key: (publisher.Key, type), Subscriber: subscriber.Key)))))
            .Distinct()
            .ToLookup(x => x.Key, x => x.Subscriber));

    public IReadOnlyList<string> SubscribersOf(string publisher, string eventType) =>
        [.. table.Value[(publisher, eventType)].Order(StringComparer.Ordinal)];
}
