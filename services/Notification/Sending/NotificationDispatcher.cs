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

    /// <summary>
    /// How long a claimed message is reserved for the pass sending it. A pass that dies between claiming and
    /// recording (a crash) leaves the message due again after this, and it is resent under the same provider key.
    /// Longer than any provider call takes.
    /// </summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan BackoffFor(int attempts) =>
        TimeSpan.FromMilliseconds(Math.Min(
            RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempts - 1, 0, 20)),
            RetryMaxDelay.TotalMilliseconds));
}

/// <summary>
/// Sends due notifications, at most once each: a pass claims a batch (FOR UPDATE SKIP LOCKED, so several instances
/// never take the same message; attempt +1; due again only after <see cref="NotificationDeliveryOptions.ClaimTimeout"/>)
/// and commits the claim before any provider is called. Then each message goes to its channel on its own and its
/// outcome — Sent with its event, or a retry after exponential backoff, or Failed after the last attempt — is
/// committed on its own, so a provider failing, whatever it throws, affects only that message. Providers get the
/// message id as their idempotency key: the one case in which a message is handed over twice (a crash between
/// sending and recording, then a new claim after the timeout) carries the same key.
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
        var claimed = await ClaimAsync(db, cancellationToken);
        foreach (var notification in claimed)
        {
            // Each outcome is saved on its own: a failed save of one leaves the others' intact.
            db.ChangeTracker.Clear();
            db.Attach(notification);
            await AttemptAsync(db, notification, cancellationToken);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // The claim ran out before this pass got here and another pass claimed the message; it records the outcome.
                logger.LogWarning("Notification {NotificationId} was claimed again while being sent; its new claim records it", notification.Id);
                continue;
            }

            Attempted?.Invoke(notification.Id, notification.Status);
        }

        return claimed.Count;
    }

    private async Task<List<NotificationMessage>> ClaimAsync(NotificationDbContext db, CancellationToken cancellationToken)
    {
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
            notification.Attempts++;
            notification.Version++;
            notification.NextAttemptAt = now + options.Value.ClaimTimeout;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return due;
    }

    private async Task AttemptAsync(NotificationDbContext db, NotificationMessage notification, CancellationToken cancellationToken)
    {
        string error;
        try
        {
            var channel = channels.FirstOrDefault(c => c.Channel == notification.Channel)
                          ?? throw new ChannelDeliveryException($"No {notification.Channel} provider is configured.");
            await channel.SendAsync(notification, cancellationToken);
            var sentAt = clock.GetUtcNow();
            notification.Version++;
            notification.Status = DeliveryStatus.Sent;
            notification.SentAt = sentAt;
            notification.NextAttemptAt = null;
            notification.LastError = null;
            db.AddEvent(
                new NotificationSent(notification.Id, notification.CustomerId, notification.TemplateKey, notification.Channel, notification.Attempts),
                notification.Id, notification.Version, sentAt);
            logger.LogInformation(
                "Notification {NotificationId} sent by {Channel} after {Attempts} attempt(s)", notification.Id, notification.Channel, notification.Attempts);
            return;
        }
        catch (ChannelDeliveryException exception)
        {
            error = exception.Message;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Not a refusal the provider announced (a bug, a dropped connection): still only this message's failed attempt.
            logger.LogError(exception, "Notification {NotificationId}: the {Channel} provider failed unexpectedly", notification.Id, notification.Channel);
            error = $"{exception.GetType().Name}: {exception.Message}";
        }

        var now = clock.GetUtcNow();
        notification.Version++;
        notification.LastError = error.Length <= Limits.LastError ? error : error[..Limits.LastError];
        if (notification.Attempts >= options.Value.MaxAttempts)
        {
            notification.Status = DeliveryStatus.Failed;
            notification.NextAttemptAt = null;
            db.AddEvent(
                new NotificationFailed(
                    notification.Id, notification.CustomerId, notification.TemplateKey, notification.Channel, notification.Attempts, notification.LastError),
                notification.Id, notification.Version, now);
            logger.LogWarning(
                "Notification {NotificationId} by {Channel} failed for good after {Attempts} attempts: {Error}",
                notification.Id, notification.Channel, notification.Attempts, notification.LastError);
        }
        else
        {
            notification.NextAttemptAt = now + options.Value.BackoffFor(notification.Attempts);
            logger.LogInformation(
                "Notification {NotificationId} by {Channel} failed (attempt {Attempts}), retrying at {NextAttemptAt}: {Error}",
                notification.Id, notification.Channel, notification.Attempts, notification.NextAttemptAt, notification.LastError);
        }
    }
}
