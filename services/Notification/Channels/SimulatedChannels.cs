using System.Collections.Concurrent;
using Commerce.Notification.Contracts;
using Commerce.ServiceDefaults.Simulation;

namespace Commerce.Notification.Channels;

/// <summary>A provider that delivers one kind of message (e-mail, SMS, push).</summary>
public interface INotificationChannel
{
    DeliveryChannel Channel { get; }

    /// <summary>
    /// Hands the message over. <c>message.Id</c> is the provider's idempotency key: a message is handed over again
    /// only when a crash left its outcome unrecorded, and then with the same id, which the provider must accept
    /// without sending twice. Any exception is a failed attempt of this message alone, retried later.
    /// </summary>
    /// <exception cref="ChannelDeliveryException">The provider did not accept the message; it is retried later.</exception>
    Task SendAsync(NotificationMessage message, CancellationToken cancellationToken);
}

public sealed class ChannelDeliveryException(string message) : Exception(message);

/// <summary>
/// What the simulated providers share: the record of everything "delivered" (once per message id), and the failure modes — a
/// per-channel switch (operator/test), and recipients containing <see cref="FailingRecipientMarker"/>, which
/// always fail.
/// </summary>
public sealed class SimulatedChannelLog(TimeProvider clock)
{
    public const string FailingRecipientMarker = "fail";

    /// <summary>Messages the simulated providers remember (and deduplicate by id); older ones are forgotten.</summary>
    public const int Remembered = 10_000;

    private readonly RecentMemory<Guid, SentMessage> sent = new(Remembered);
    private readonly ConcurrentDictionary<DeliveryChannel, bool> failing = new();

    /// <summary>The most recent <see cref="Remembered"/> messages delivered, oldest first.</summary>
    public IReadOnlyList<SentMessage> Sent => sent.Values;

    public bool IsFailing(DeliveryChannel channel) => failing.GetValueOrDefault(channel);

    public void SetFailing(DeliveryChannel channel, bool value) => failing[channel] = value;

    internal void Deliver(NotificationMessage message)
    {
        if (IsFailing(message.Channel))
        {
            throw new ChannelDeliveryException($"The {message.Channel} provider is failing (switched on).");
        }

        if (message.Recipient.Contains(FailingRecipientMarker, StringComparison.OrdinalIgnoreCase))
        {
            throw new ChannelDeliveryException($"The {message.Channel} provider rejected the recipient.");
        }

        // Idempotent by message id, as a real provider is by its idempotency key.
        sent.GetOrAdd(message.Id, id => new SentMessage(id, message.Channel, message.Recipient, message.Subject, message.Body, clock.GetUtcNow()));
    }
}

public sealed class SimulatedChannel(DeliveryChannel channel, SimulatedChannelLog log) : INotificationChannel
{
    public DeliveryChannel Channel { get; } = channel;

    public Task SendAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        log.Deliver(message);
        return Task.CompletedTask;
    }
}
