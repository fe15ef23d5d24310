// The only interpolated part of these statements is the context's schema name, fixed in code; values are parameters.
#pragma warning disable EF1002
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.ServiceDefaults.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
    public const string HttpClientName = "Commerce.Events";

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
            var worked = 0;
            try
            {
                worked = await DispatchOnceAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(exception, "{Context} outbox dispatch failed; retrying after the poll interval", context.Name);
            }

            if (worked == 0)
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
    public async Task<int> DispatchOnceAsync(CancellationToken cancellationToken)
    {
        await FanOutAsync(cancellationToken);
        var claimed = await ClaimAsync(cancellationToken);
        await Parallel.ForEachAsync(claimed, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = 8 },
            async (delivery, ct) => await DeliverAsync(delivery, ct));
        return claimed.Count;
    }

    private async Task FanOutAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = context.ResolveDbContext(scope.ServiceProvider);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var messages = await db.Set<OutboxMessage>()
            .FromSqlRaw($"""
                         SELECT * FROM "{Schema}".outbox_messages WHERE fanned_out = false
                         ORDER BY occurred_at LIMIT 200 FOR UPDATE SKIP LOCKED
                         """)
            .ToListAsync(cancellationToken);
        if (messages.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var message in messages)
        {
            message.FannedOut = true;
            foreach (var subscriber in subscriptions.SubscribersOf(context.Name, message.Type))
            {
                db.Set<OutboxDelivery>().Add(new OutboxDelivery
                {
                    Id = Guid.CreateVersion7(),
                    MessageId = message.Id,
                    Subscriber = subscriber,
                    Status = DeliveryStatus.Pending,
                    NextAttemptAt = now,
                });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<List<ClaimedDelivery>> ClaimAsync(CancellationToken cancellationToken)
    {
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
                     m.aggregate_version AS "AggregateVersion", m.occurred_at AS "OccurredAt", m.payload::text AS "Payload"
                 """,
                now + options.Value.LeaseDuration, now, options.Value.BatchSize)
            .ToListAsync(cancellationToken);
    }

    private async Task DeliverAsync(ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        string? error;
        try
        {
            using var payload = JsonDocument.Parse(delivery.Payload);
            var envelope = new EventEnvelope(delivery.MessageId, delivery.Type, context.Name, delivery.AggregateId,
                delivery.AggregateVersion, delivery.OccurredAt, payload.RootElement);
            var url = new Uri(addresses.For(delivery.Subscriber), $"/events/{delivery.Subscriber.ToLowerInvariant()}");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.DeliveryTimeout);
            using var response = await httpClients.CreateClient(HttpClientName)
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

        await RecordAsync(delivery, error, cancellationToken);
    }

    private async Task RecordAsync(ClaimedDelivery delivery, string? error, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = context.ResolveDbContext(scope.ServiceProvider);
        var now = time.GetUtcNow();
        if (error is null)
        {
            await db.Database.ExecuteSqlRawAsync(
                $$"""UPDATE "{{Schema}}".outbox_deliveries SET status = 1, delivered_at = {0}, last_error = NULL WHERE id = {1}""",
                [now, delivery.DeliveryId], cancellationToken);
            logger.LogDebug("{Context} delivered {EventType} {EventId} to {Subscriber}", context.Name, delivery.Type,
                delivery.MessageId, delivery.Subscriber);
            return;
        }

        var dead = delivery.Attempts >= options.Value.MaxAttempts;
        var next = now + options.Value.BackoffFor(delivery.Attempts);
        await db.Database.ExecuteSqlRawAsync(
            $$"""UPDATE "{{Schema}}".outbox_deliveries SET status = {0}, next_attempt_at = {1}, last_error = {2} WHERE id = {3}""",
            [dead ? (int)DeliveryStatus.DeadLettered : (int)DeliveryStatus.Pending, next, Truncate(error, 2000), delivery.DeliveryId],
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

    internal sealed record ClaimedDelivery(
        Guid DeliveryId,
        string Subscriber,
        int Attempts,
        Guid MessageId,
        string Type,
        string AggregateId,
        int AggregateVersion,
        DateTimeOffset OccurredAt,
        string Payload);
}
