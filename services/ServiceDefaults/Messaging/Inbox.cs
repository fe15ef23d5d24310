// The only interpolated part of these statements is the context's schema name, fixed in code; values are parameters.
#pragma warning disable EF1002
using Commerce.ServiceDefaults.Retention;

namespace Commerce.ServiceDefaults.Messaging;

/// <summary>Receives a delivered event for one context: dedupe by event id, drop stale versions, run the handler — one transaction.</summary>
internal static class Inbox
{
    public static async Task<InboxOutcome> HandleAsync(
        CommerceContextRegistration context, EventEnvelope envelope, IServiceProvider services, ILogger logger,
        TimeProvider time, RetentionOptions retention, CancellationToken cancellationToken)
    {
        // Ids of processed events are purged after a while; an event older than that could be one whose id is gone.
        // Refusing it is what keeps "never applied twice" true after retention (README: Retention).
        if (retention.Enabled && envelope.OccurredAt < time.GetUtcNow() - retention.ProcessedEvents)
        {
            logger.LogWarning(
                "{Context} refused event {EventId} ({EventType} of {AggregateId}): it occurred at {OccurredAt}, longer ago than processed ids are kept",
                context.Name, envelope.Id, envelope.Type, envelope.AggregateId, envelope.OccurredAt);
            return InboxOutcome.Expired;
        }

        if (!context.Handlers.TryGetValue(
                CommerceContextBuilder<DbContext>.EventHandlerKey(envelope.Source, envelope.Type), out var handler))
        {
            logger.LogInformation("{Context} has no handler for {Source}/{EventType}; event {EventId} ignored",
                context.Name, envelope.Source, envelope.Type, envelope.Id);
            return InboxOutcome.Unhandled;
        }

        await using var scope = services.CreateAsyncScope();
        var db = context.ResolveDbContext(scope.ServiceProvider);
        var schema = context.Schema;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // A concurrent delivery of the same event blocks on this row until the first commits, then sees the conflict.
        var inserted = await db.Database.ExecuteSqlRawAsync(
            $$"""
             INSERT INTO "{{schema}}".inbox_events (event_id, source, type, outcome, processed_at)
             VALUES ({0}, {1}, {2}, 'Processed', {3}) ON CONFLICT (event_id) DO NOTHING
             """,
            [envelope.Id, envelope.Source, envelope.Type, time.GetUtcNow()], cancellationToken);
        if (inserted == 0)
        {
            logger.LogInformation("{Context} already processed event {EventId} ({EventType})", context.Name, envelope.Id, envelope.Type);
            return InboxOutcome.Duplicate;
        }

        if (handler.IgnoreStaleVersions)
        {
            var newer = await db.Database.ExecuteSqlRawAsync(
                $$"""
                 INSERT INTO "{{schema}}".inbox_aggregate_versions AS v (source, aggregate_id, version)
                 VALUES ({0}, {1}, {2})
                 ON CONFLICT (source, aggregate_id) DO UPDATE SET version = EXCLUDED.version
                 WHERE v.version < EXCLUDED.version
                 """,
                [envelope.Source, envelope.AggregateId, envelope.AggregateVersion], cancellationToken);
            if (newer == 0)
            {
                await db.Database.ExecuteSqlRawAsync(
                    $$"""UPDATE "{{schema}}".inbox_events SET outcome = 'Stale' WHERE event_id = {0}""",
                    [envelope.Id], cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation(
                    "{Context} ignored stale event {EventId} ({EventType} v{Version} of {AggregateId})",
                    context.Name, envelope.Id, envelope.Type, envelope.AggregateVersion, envelope.AggregateId);
                return InboxOutcome.Stale;
            }
        }

        await handler.InvokeAsync(envelope, db, scope.ServiceProvider, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("{Context} processed event {EventId} ({EventType} v{Version} of {AggregateId})",
            context.Name, envelope.Id, envelope.Type, envelope.AggregateVersion, envelope.AggregateId);
        return InboxOutcome.Processed;
    }
}
