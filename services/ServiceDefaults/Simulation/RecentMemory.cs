namespace Commerce.ServiceDefaults.Simulation;

/// <summary>
/// What a simulated outside party keeps in memory (a gateway's answers by idempotency key, a provider's sent
/// messages): the most recent <see cref="Capacity"/> entries by first insertion, the oldest forgotten first — as a
/// real party forgets idempotency keys after a while — so a long-running host does not grow without bound.
/// </summary>
public sealed class RecentMemory<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private readonly Dictionary<TKey, TValue> entries = [];
    private readonly Queue<TKey> order = new();
    private readonly Lock gate = new();

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    public int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Count;
            }
        }
    }

    /// <summary>The entries remembered, oldest first.</summary>
    public IReadOnlyList<TValue> Values
    {
        get
        {
            lock (gate)
            {
                return [.. order.Select(key => entries[key])];
            }
        }
    }

    /// <summary>The value remembered for <paramref name="key"/>, or the new one <paramref name="create"/> makes (called under the lock, once).</summary>
    public (TValue Value, bool Added) GetOrAdd(TKey key, Func<TKey, TValue> create)
    {
        lock (gate)
        {
            if (entries.TryGetValue(key, out var existing))
            {
                return (existing, false);
            }

            var value = create(key);
            entries.Add(key, value);
            order.Enqueue(key);
            if (order.Count > Capacity)
            {
                entries.Remove(order.Dequeue());
            }

            return (value, true);
        }
    }
}
