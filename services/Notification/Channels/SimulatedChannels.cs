using System.Collections.Concurrent;
using Commerce.Notification.Contracts;

namespace Commerce.Notification.Channels;

/// <summary>A provider that delivers one kind of message (e-mail, SMS, push).</summary>
public interface INotificationChannel
{
    DeliveryChannel Channel { get; }

    /// <exception cref="ChannelDeliveryException">The provider did not accept the message; it is retried later.</exception>
    Task SendAsync(NotificationMessage message, CancellationToken cancellationToken);
}

public sealed class ChannelDeliveryException(string message) : Exception(message);

/// <summary>
/// What the simulated providers share: the record of everything "delivered", and the failure modes — a
/// per-channel switch (operator/test), and recipients containing <see cref="FailingRecipientMarker"/>, which
/// always fail.
/// </summary>
public sealed class SimulatedChannelLog(TimeProvider clock)
{
    public const string FailingRecipientMarker = "fail";

    private readonly ConcurrentQueue<SentMessage> sent = new();
    private readonly ConcurrentDictionary<DeliveryChannel, bool> failing = new();

    public IReadOnlyList<SentMessage> Sent => [.. sent];

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

        sent.Enqueue(new SentMessage(message.Id, message.Channel, message.Recipient, message.Subject, message.Body, clock.GetUtcNow()));
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
