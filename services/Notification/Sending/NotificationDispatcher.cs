using Commerce.Notification.Channels;
using Commerce.Notification.Contracts;

namespace Commerce.Notification.Sending;

public sealed class NotificationDeliveryOptions
{
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Delay after the first failed attempt; doubles per attempt up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Attempts before a notification is given up as Failed.</summary>
    public int MaxAttempts { get; set; } = 5;

    public int BatchSize { get; set; } = 20;

    public TimeSpan BackoffFor(int attempts) =>
        TimeSpan.FromMilliseconds(Math.Min(
            RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempts - 1, 0, 20)),
            RetryMaxDelay.TotalMilliseconds));
}

/// <summary>
/// Sends due notifications: claims them with FOR UPDATE SKIP LOCKED (so several instances never send one twice),
/// hands each to its channel, and records the outcome — Sent, or a retry after exponential backoff, or Failed
/// after the last attempt — with its event, in the claiming transaction.
/// </summary>
public sealed class NotificationDispatcher(
    IServiceScopeFactory scopes,
    IEnumerable<INotificationChannel> channels,
    IOptions<NotificationDeliveryOptions> options,
    TimeProvider clock,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    private readonly SemaphoreSlim wake = new(0);

    /// <summary>Raised after each attempt is committed (tests wait on it instead of sleeping).</summary>
    public event Action<Guid, DeliveryStatus>? Attempted;

    /// <summary>Asks for a pass now rather than at the next poll.</summary>
    public void Wake()
    {
        if (wake.CurrentCount == 0)
        {
            wake.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await SendDueAsync(stoppingToken) == options.Value.BatchSize)
                {
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(exception, "Notification dispatch pass failed");
            }

            try
            {
                await wake.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var due = await db.Notifications
            .FromSql($"""
                SELECT * FROM notification.notifications
                WHERE status = 'Pending' AND next_attempt_at <= {now}
                ORDER BY next_attempt_at
                LIMIT {options.Value.BatchSize}
                FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(cancellationToken);
        foreach (var notification in due)
        {
            await AttemptAsync(db, notification, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        foreach (var notification in due)
        {
            Attempted?.Invoke(notification.Id, notification.Status);
        }

        return due.Count;
    }

    private async Task AttemptAsync(NotificationDbContext db, NotificationMessage notification, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        notification.Attempts++;
        notification.Version++;
        try
        {
            var channel = channels.FirstOrDefault(c => c.Channel == notification.Channel)
                          ?? throw new ChannelDeliveryException($"No {notification.Channel} provider is configured.");
            await channel.SendAsync(notification, cancellationToken);
            notification.Status = DeliveryStatus.Sent;
            notification.SentAt = now;
            notification.NextAttemptAt = null;
            notification.LastError = null;
            db.AddEvent(
                new NotificationSent(notification.Id, notification.CustomerId, notification.TemplateKey, notification.Channel, notification.Attempts),
                notification.Id, notification.Version, now);
            logger.LogInformation(
                "Notification {NotificationId} sent by {Channel} after {Attempts} attempt(s)", notification.Id, notification.Channel, notification.Attempts);
        }
        catch (ChannelDeliveryException exception)
        {
            notification.LastError = exception.Message;
            if (notification.Attempts >= options.Value.MaxAttempts)
            {
                notification.Status = DeliveryStatus.Failed;
                notification.NextAttemptAt = null;
                db.AddEvent(
                    new NotificationFailed(notification.Id, notification.CustomerId, notification.TemplateKey, notification.Channel, notification.Attempts, exception.Message),
                    notification.Id, notification.Version, now);
                logger.LogWarning(
                    "Notification {NotificationId} by {Channel} failed for good after {Attempts} attempts: {Error}",
                    notification.Id, notification.Channel, notification.Attempts, exception.Message);
            }
            else
            {
                notification.NextAttemptAt = now + options.Value.BackoffFor(notification.Attempts);
                logger.LogInformation(
                    "Notification {NotificationId} by {Channel} failed (attempt {Attempts}), retrying at {NextAttemptAt}: {Error}",
                    notification.Id, notification.Channel, notification.Attempts, notification.NextAttemptAt, exception.Message);
            }
        }
    }
}
