namespace Commerce.ServiceDefaults.Messaging;

/// <summary>Dispatcher settings, bound from <c>Commerce:Outbox</c> (shared by every context in the process).</summary>
public sealed class OutboxOptions
{
    /// <summary>False stops dispatchers in this process (events still accumulate in the outboxes).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often an idle dispatcher looks for work; a commit that wrote events wakes it sooner.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int BatchSize { get; set; } = 20;

    /// <summary>Attempts per delivery before it is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Delay after the first failure; doubles per attempt, with ±20% jitter, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a claimed delivery is hidden from other dispatchers while it is being attempted.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Extra subscriptions beyond the co-hosted handlers: Subscriptions:{Subscriber}:{Publisher} = [event types].
    /// Needed when a subscriber runs in another process.
    /// </summary>
    public Dictionary<string, Dictionary<string, string[]>> Subscriptions { get; set; } = [];

    public TimeSpan BackoffFor(int attempts)
    {
        var exponent = Math.Min(Math.Max(attempts - 1, 0), 20);
        var delay = Math.Min(RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent), RetryMaxDelay.TotalMilliseconds);
        var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
        return TimeSpan.FromMilliseconds(delay * jitter);
    }
}
