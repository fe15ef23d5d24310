// The only interpolated part of these statements is the context's schema name, fixed in code; values are parameters.
#pragma warning disable EF1002
using OpenTelemetry;

namespace Commerce.ServiceDefaults.Retention;

/// <summary>What one sweep removed from one context.</summary>
public sealed record RetentionSweep(int DeliveredEvents, int ProcessedEventIds, IReadOnlyDictionary<string, int> Records);

/// <summary>
/// Applies <see cref="RetentionOptions"/> to one context every <see cref="RetentionOptions.SweepInterval"/> (the first
/// time one interval after start):
/// events every subscriber has received (their deliveries go with them), inbox ids past
/// <see cref="RetentionOptions.ProcessedEventIds"/>, and the records the context declared. Deletes run in
/// batches, oldest first, each its own statement, so several host instances may sweep at once.
/// </summary>
public sealed class RetentionSweeper(
    CommerceContextRegistration context,
    IServiceProvider services,
    IOptions<RetentionOptions> options,
    TimeProvider time,
    ILogger<RetentionSweeper> logger) : BackgroundService
{
    public CommerceContextRegistration Context => context;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        // Wait first: start-up (every host, every test host) stays free of housekeeping; what is due waits an interval.
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.SweepInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await SweepOnceAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(exception, "{Context} retention sweep failed; retrying after the sweep interval", context.Name);
            }
        }
    }

    public async Task<RetentionSweep> SweepOnceAsync(CancellationToken cancellationToken)
    {
        // Housekeeping, not a request: it leaves no spans (the outbox dispatcher's polling neither).
        using var untraced = SuppressInstrumentationScope.Begin();
        var settings = options.Value;
        var now = time.GetUtcNow();
        await using var scope = services.CreateAsyncScope();
        var db = context.ResolveDbContext(scope.ServiceProvider);
        var schema = context.Schema;

        var deliveredEvents = await DeleteInBatchesAsync(settings.BatchSize, (batch, ct) => db.Database.ExecuteSqlRawAsync(
            $$"""
             DELETE FROM "{{schema}}".outbox_messages WHERE id IN (
                 SELECT m.id FROM "{{schema}}".outbox_messages m
                 WHERE m.fanned_out AND m.occurred_at < {0}
                   AND NOT EXISTS (SELECT 1 FROM "{{schema}}".outbox_deliveries d WHERE d.message_id = m.id AND d.status <> {1})
                 ORDER BY m.occurred_at
                 LIMIT {2})
             """,
            [now - settings.DeliveredEvents, (int)Messaging.OutboxDeliveryStatus.Delivered, batch], ct), cancellationToken);

        var processedEventIds = await DeleteInBatchesAsync(settings.BatchSize, (batch, ct) => db.Database.ExecuteSqlRawAsync(
            $$"""
             DELETE FROM "{{schema}}".inbox_events WHERE event_id IN (
                 SELECT event_id FROM "{{schema}}".inbox_events WHERE processed_at < {0} ORDER BY processed_at LIMIT {1})
             """,
            [now - settings.ProcessedEventIds, batch], ct), cancellationToken);

        var records = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var retained in context.RetainedRecords)
        {
            var age = settings.AgeOf(context.Name, retained.Name, retained.DefaultAge);
            records[retained.Name] = await DeleteInBatchesAsync(settings.BatchSize,
                (batch, ct) => retained.DeleteBatchAsync(db, now - age, batch, ct), cancellationToken);
        }

        var sweep = new RetentionSweep(deliveredEvents, processedEventIds, records);
        if (deliveredEvents + processedEventIds + records.Values.Sum() > 0)
        {
            logger.LogInformation(
                "{Context} retention removed {DeliveredEvents} delivered events, {ProcessedEventIds} inbox ids and {Records}",
                context.Name, deliveredEvents, processedEventIds, string.Join(", ", records.Select(r => $"{r.Value} {r.Key}")));
        }

        return sweep;
    }

    private static async Task<int> DeleteInBatchesAsync(
        int batchSize, Func<int, CancellationToken, Task<int>> deleteBatch, CancellationToken cancellationToken)
    {
        var total = 0;
        int deleted;
        do
        {
            deleted = await deleteBatch(batchSize, cancellationToken);
            total += deleted;
        }
        while (deleted == batchSize && !cancellationToken.IsCancellationRequested);

        return total;
    }
}
