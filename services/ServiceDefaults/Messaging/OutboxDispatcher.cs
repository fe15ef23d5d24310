// The only interpolated part of these statements is the context's schema name, fixed in code; values are parameters.
#pragma warning disable EF1002
using System.Net.Http.Json;
using System.Text.Json;
using OpenTelemetry;

namespace Commerce.ServiceDefaults.Messaging;

/// <summary>
/// Delivers one context's outbox: fans each new event out to one delivery per subscriber, then claims due
/// deliveries (FOR UPDATE SKIP LOCKED, so several host instances share the work) and POSTs each to the
/// subscriber's /events/{subscriber} endpoint. Failures back off exponentially with jitter; after
/// MaxAttempts a delivery is dead-lettered until an operator replays it.
/// </summary>
public sealed class OutboxDispatcher(
    CommerceContextRegistration context,
    IServiceProvider services,
    IHttpClientFactory httpClients,
    EventSubscriptions subscriptions,
    ServiceAddresses addresses,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    /// <summary>The HTTP client a context's dispatcher delivers with: it carries that context's own token, which the inbox checks.</summary>
    public static string HttpClientNameFor(CommerceContextRegistration context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return $"Commerce.Events.{context.Slug}";
    }

    private string Schema => context.Schema;

    public CommerceContextRegistration Context => context;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        // Let the server bind its address first: the co-hosted subscribers are reached through it.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var more = false;
            try
            {
                more = (await DispatchAsync(stoppingToken)).More;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(exception, "{Context} outbox dispatch failed; retrying after the poll interval", context.Name);
            }

            // A full batch may have left work behind; otherwise wait for a commit that wrote events (it pulses the
            // signal, also while this pass was running) or for the poll interval (retries falling due).
            if (!more)
            {
                try
                {
                    await context.Signal.WaitAsync(options.Value.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One fan-out and one batch of deliveries; returns how many deliveries it attempted.</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken cancellationToken) => (await DispatchAsync(cancellationToken)).Claimed;

    private async Task<(int Claimed, bool More)> DispatchAsync(CancellationToken cancellationToken)
    {
        var fannedOut = await FanOutAsync(cancellationToken);
        var claimed = await ClaimAsync(cancellationToken);
        var delivered = new System.Collections.Concurrent.ConcurrentBag<ClaimedDelivery>();
        await Parallel.ForEachAsync(claimed, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = 8 },
            async (delivery, ct) =>
            {
                if (await DeliverAsync(delivery, ct))
                {
                    delivered.Add(delivery);
                }
            });
        await RecordDeliveredAsync([.. delivered], cancellationToken);
        return (claimed.Count, fannedOut == FanOutBatch || claimed.Count >= options.Value.BatchSize);
    }

    private const int FanOutBatch = 200;

    private async Task<int> FanOutAsync(CancellationToken cancellationToken)
    {
        // The dispatcher's own bookkeeping belongs to no business request: untraced, it adds no root trace per poll.
        using var untraced = SuppressInstrumentationScope.Begin();
        await using var scope = services.CreateAsyncScope();
        var db = context.ResolveDbContext(scope.ServiceProvider);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Marks the oldest batch fanned out and returns only what fan-out needs (not the payloads); the deliveries
        // are inserted in the same transaction, so a message is fanned out exactly when its deliveries exist.
        var messages = await db.Database.SqlQueryRaw<FanOutRow>(
                $$"""
                 UPDATE "{{Schema}}".outbox_messages SET fanned_out = true
                 WHERE id IN (
                     SELECT id FROM "{{Schema}}".outbox_messages WHERE fanned_out = false
                     ORDER BY occurred_at LIMIT {{FanOutBatch}} FOR UPDATE SKIP LOCKED)
                 RETURNING id AS "Id", type AS "Type"
                 """)
            .ToListAsync(cancellationToken);
        if (messages.Count == 0)
        {
            return 0;
        }

        var now = time.GetUtcNow();
        foreach (var message in messages)
        {
            foreach (var subscriber in subscriptions.SubscribersOf(context.Name, message.Type))
            {
                db.Set<OutboxDelivery>().Add(new OutboxDelivery
                {
                    Id = Guid.CreateVersion7(),
                    MessageId = message.Id,
                    Subscriber = subscriber,
                    Status = OutboxDeliveryStatus.Pending,
                    NextAttemptAt = now,
                });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return messages.Count;
    }

    private async Task<List<ClaimedDelivery>> ClaimAsync(CancellationToken cancellationToken)
    {
        using var untraced = SuppressInstrumentationScope.Begin();
        await using var scope = services.CreateAsyncScope();
        var db = context.ResolveDbContext(scope.ServiceProvider);
        var now = time.GetUtcNow();
        return await db.Database.SqlQueryRaw<ClaimedDelivery>(
                $$"""
                 UPDATE "{{Schema}}".outbox_deliveries d
                 SET next_attempt_at = {0}, attempts = d.attempts + 1
                 FROM "{{Schema}}".outbox_messages m
                 WHERE m.id = d.message_id AND d.id IN (
                     SELECT id FROM "{{Schema}}".outbox_deliveries
                     WHERE status = 0 AND next_attempt_at <= {1}
                     ORDER BY next_attempt_at LIMIT {2} FOR UPDATE SKIP LOCKED)
                 RETURNING d.id AS "DeliveryId", d.subscriber AS "Subscriber", d.attempts AS "Attempts",
                     m.id AS "MessageId", m.type AS "Type", m.aggregate_id AS "AggregateId",
                     m.aggregate_version AS "AggregateVersion", m.occurred_at AS "OccurredAt", m.payload::text AS "Payload",
                     m.trace_parent AS "TraceParent"
                 """,
                now + options.Value.LeaseDuration, now, options.Value.BatchSize)
            .ToListAsync(cancellationToken);
    }

    /// <summary>POSTs one delivery; true when the subscriber took it (recorded with the batch), else the failure is recorded now.</summary>
    private async Task<bool> DeliverAsync(ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        using var span = MessagingTelemetry.StartDelivery(context.Name, delivery.MessageId, delivery.Type, delivery.Subscriber,
            delivery.Attempts, delivery.TraceParent);
        string? error;
        try
        {
            using var payload = JsonDocument.Parse(delivery.Payload);
            var envelope = new EventEnvelope(delivery.MessageId, delivery.Type, context.Name, delivery.AggregateId,
                delivery.AggregateVersion, delivery.OccurredAt, payload.RootElement);
            var url = new Uri(addresses.For(delivery.Subscriber), $"/events/{delivery.Subscriber.ToLowerInvariant()}");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.DeliveryTimeout);
            using var response = await httpClients.CreateClient(HttpClientNameFor(context))
                .PostAsJsonAsync(url, envelope, CommerceJson.Options, timeout.Token);
            error = response.IsSuccessStatusCode
                ? null
                : $"{(int)response.StatusCode} {response.ReasonPhrase}: {Truncate(await response.Content.ReadAsStringAsync(cancellationToken), 500)}";
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or InvalidOperationException
                                              && !cancellationToken.IsCancellationRequested)
        {
            error = $"{exception.GetType().Name}: {exception.Message}";
        }

        if (error is null)
        {
            MessagingTelemetry.Delivered(context.Name, delivery.Subscriber, delivery.OccurredAt, time.GetUtcNow());
            return true;
        }

        span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, error);
        await RecordFailureAsync(delivery, error, cancellationToken);
        return false;
    }

    /// <summary>
    /// Marks the batch's successful deliveries delivered in one statement. Until then they stay leased (claimed),
    /// so no other dispatcher sends them again; after a crash in between they are redelivered once the lease
    /// expires, which the subscriber's inbox absorbs as a duplicate — the same at-least-once as one update each.
    /// </summary>
    private async Task RecordDeliveredAsync(ClaimedDelivery[] delivered, CancellationToken cancellationToken)
    {
        if (delivered.Length == 0)
        {
            return;
        }

        using var untraced = SuppressInstrumentationScope.Begin();

        await using var scope = services.CreateAsyncScope();
        var db = context.ResolveDbContext(scope.ServiceProvider);
        await db.Database.ExecuteSqlRawAsync(
            $$"""UPDATE "{{Schema}}".outbox_deliveries SET status = 1, delivered_at = {0}, last_error = NULL WHERE id = ANY({1})""",
            [time.GetUtcNow(), delivered.Select(d => d.DeliveryId).ToArray()], cancellationToken);
        foreach (var delivery in delivered)
        {
            logger.LogDebug("{Context} delivered {EventType} {EventId} to {Subscriber}", context.Name, delivery.Type,
                delivery.MessageId, delivery.Subscriber);
        }
    }

    private async Task RecordFailureAsync(ClaimedDelivery delivery, string error, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = context.ResolveDbContext(scope.ServiceProvider);
        var now = time.GetUtcNow();

        var dead = delivery.Attempts >= options.Value.MaxAttempts;
        MessagingTelemetry.Failed(context.Name, delivery.Subscriber, dead);
        var next = now + options.Value.BackoffFor(delivery.Attempts);
        await db.Database.ExecuteSqlRawAsync(
            $$"""UPDATE "{{Schema}}".outbox_deliveries SET status = {0}, next_attempt_at = {1}, last_error = {2} WHERE id = {3}""",
            [dead ? (int)OutboxDeliveryStatus.DeadLettered : (int)OutboxDeliveryStatus.Pending, next, Truncate(error, 2000), delivery.DeliveryId],
            cancellationToken);
        if (dead)
        {
            logger.LogError("{Context} dead-lettered {EventType} {EventId} for {Subscriber} after {Attempts} attempts: {Error}",
                context.Name, delivery.Type, delivery.MessageId, delivery.Subscriber, delivery.Attempts, error);
        }
        else
        {
            logger.LogWarning("{Context} failed to deliver {EventType} {EventId} to {Subscriber} (attempt {Attempts}), retrying at {NextAttemptAt}: {Error}",
                context.Name, delivery.Type, delivery.MessageId, delivery.Subscriber, delivery.Attempts, next, error);
        }
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    internal sealed record FanOutRow(Guid Id, string Type);

    internal sealed record ClaimedDelivery(
        Guid DeliveryId,
        string Subscriber,
        int Attempts,
        Guid MessageId,
        string Type,
        string AggregateId,
        int AggregateVersion,
        DateTimeOffset OccurredAt,
        string Payload,
        string? TraceParent);
}
