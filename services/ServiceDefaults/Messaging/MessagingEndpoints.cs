using Commerce.ServiceDefaults.Audit;
using Commerce.ServiceDefaults.Retention;
using Commerce.ServiceDefaults.Security;
using Refit;

namespace Commerce.ServiceDefaults.Messaging;

public sealed record DeadLetterResponse(
    Guid DeliveryId,
    Guid EventId,
    string EventType,
    string AggregateId,
    int AggregateVersion,
    DateTimeOffset OccurredAt,
    string Subscriber,
    int Attempts,
    string? LastError);

public sealed record ReplayResponse(Guid DeliveryId, string Status);

/// <param name="OwnerCopies">How many copies the owner's API listed.</param>
/// <param name="Refreshed">How many of them were missing or older in the cache, and were written.</param>
public sealed record RebuiltCache(string Cache, int OwnerCopies, int Refreshed);

public sealed record CacheRebuildResponse(string Context, IReadOnlyList<RebuiltCache> Caches);

internal static class MessagingEndpoints
{
    /// <summary>
    /// POST /events/{context} (the inbox) and the operator's dead-letter endpoints under /ops/{context}, described in
    /// the context's own OpenAPI document.
    /// </summary>
    public static void MapMessaging(this IEndpointRouteBuilder endpoints, CommerceContextRegistration context)
    {
        endpoints.MapPost($"/events/{context.Slug}", async Task<Ok<InboxResponse>> (
                EventEnvelope envelope, IServiceProvider services, ILoggerFactory loggers, TimeProvider time,
                IOptions<RetentionOptions> retention, CancellationToken cancellationToken) =>
            {
                using var span = MessagingTelemetry.StartInbox(context.Name, envelope);
                var outcome = await Inbox.HandleAsync(context, envelope, services,
                    loggers.CreateLogger("Commerce.Inbox"), time, retention.Value, cancellationToken);
                MessagingTelemetry.Received(context.Name, envelope, outcome, span);
                return TypedResults.Ok(new InboxResponse(envelope.Id, outcome));
            })
            .WithGroupName(context.Slug)
            .WithTags("Messaging")
            .RequireAuthorization(Access.Services)
            .AcceptsEventsOnlyFromTheirPublisher()
            .ProducesAuthorizationProblems()
            .ProducesBodyProblems()
            .ProducesProblems(StatusCodes.Status503ServiceUnavailable);

        var ops = endpoints.MapGroup($"/ops/{context.Slug}").WithGroupName(context.Slug).WithTags("Operator")
            .RequireAuthorization(Access.Operators)
            .ProducesAuthorizationProblems()
            .ProducesProblems(StatusCodes.Status503ServiceUnavailable);

        // Replays and rebuilds are operators' writes: audited like a context's own.
        ops.WithAuditTrail(context, endpoints.ServiceProvider);
        ops.MapGet("/dead-letters", async (IServiceProvider services, CancellationToken cancellationToken) =>
        {
            await using var scope = services.CreateAsyncScope();
            var db = context.ResolveDbContext(scope.ServiceProvider);
            var rows = await (from d in db.Set<OutboxDelivery>()
                              join m in db.Set<OutboxMessage>() on d.MessageId equals m.Id
                              where d.Status == OutboxDeliveryStatus.DeadLettered
                              orderby m.OccurredAt
                              select new DeadLetterResponse(d.Id, m.Id, m.Type, m.AggregateId, m.AggregateVersion,
                                  m.OccurredAt, d.Subscriber, d.Attempts, d.LastError))
                .Take(500)
                .ToListAsync(cancellationToken);
            return TypedResults.Ok(rows);
        });

        ops.MapPost("/dead-letters/{deliveryId:guid}/replay", async Task<Results<Accepted<ReplayResponse>, ProblemHttpResult>> (
            Guid deliveryId, IServiceProvider services, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        {
            await using var scope = services.CreateAsyncScope();
            var db = context.ResolveDbContext(scope.ServiceProvider);
            var now = time.GetUtcNow();
            var replayed = await db.Set<OutboxDelivery>()
                .Where(d => d.Id == deliveryId && d.Status == OutboxDeliveryStatus.DeadLettered)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.Status, OutboxDeliveryStatus.Pending)
                    .SetProperty(d => d.Attempts, 0)
                    .SetProperty(d => d.NextAttemptAt, now), cancellationToken);
            if (replayed == 0)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
                    title: "No such dead letter", detail: $"Delivery {deliveryId} is not dead-lettered in {context.Name}.");
            }

            loggers.CreateLogger("Commerce.Outbox").LogInformation("{Context} dead letter {DeliveryId} replayed by an operator",
                context.Name, deliveryId);
            context.Signal.Pulse();
            return TypedResults.Accepted($"/ops/{context.Slug}/dead-letters", new ReplayResponse(deliveryId, "Pending"));
        }).ProducesProblems(StatusCodes.Status404NotFound);

        if (context.CacheRebuilds.Count > 0)
        {
            ops.MapPost("/caches/rebuild", async Task<Results<Ok<CacheRebuildResponse>, ProblemHttpResult>> (
                IServiceProvider services, HttpContext http, ILoggerFactory loggers, CancellationToken cancellationToken) =>
            {
                var logger = loggers.CreateLogger("Commerce.Caches");
                var rebuilt = new List<RebuiltCache>();
                foreach (var (cache, rebuild) in context.CacheRebuilds)
                {
                    try
                    {
                        var (ownerCopies, refreshed) = await RebuildAsync(rebuild, services, cancellationToken);
                        rebuilt.Add(new RebuiltCache(cache, ownerCopies, refreshed));
                    }
                    catch (Exception exception) when (exception is HttpRequestException or ApiException or ApiRequestException)
                    {
                        logger.LogWarning(exception, "{Context} could not rebuild its {Cache} cache: the owner did not answer", context.Name, cache);
                        http.Response.Headers.RetryAfter = "30";
                        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Owner unavailable",
                            // The exception's own text (addresses, inner errors) stays in the log: an answer says only what to do.
                            detail: $"{context.Name} could not read its {cache} cache's owner. Caches rebuilt before it stay rebuilt; run the rebuild again.");
                    }

                    logger.LogInformation("{Context} rebuilt its {Cache} cache by an operator's request: {OwnerCopies} copies listed by the owner, {Refreshed} refreshed",
                        context.Name, cache, rebuilt[^1].OwnerCopies, rebuilt[^1].Refreshed);
                }

                return TypedResults.Ok(new CacheRebuildResponse(context.Name, rebuilt));
            }).ProducesProblems(StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>A copy written concurrently by an event delivery makes the rebuild's insert of it fail: the rebuild, idempotent, runs again.</summary>
    private static async Task<(int OwnerCopies, int Refreshed)> RebuildAsync(
        Func<IServiceProvider, CancellationToken, Task<(int OwnerCopies, int Refreshed)>> rebuild, IServiceProvider services,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await rebuild(services, cancellationToken);
            }
            catch (DbUpdateException exception) when (attempt < 3 && Checks.IsUniqueViolation(exception))
            {
                // The copy exists now: the next run updates it instead.
            }
        }
    }
}
