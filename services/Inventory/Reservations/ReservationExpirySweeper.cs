using Commerce.Inventory.Contracts;

namespace Commerce.Inventory.Reservations;

/// <summary>
/// Inventory enforces reservation expiry itself: active reservations past ExpiresAt are released as Expired. A
/// committed one (its order confirmed) is never expired.
/// </summary>
public sealed class ReservationExpirySweeper(
    IServiceScopeFactory scopes, TimeProvider time, IOptions<ReservationOptions> options, ILogger<ReservationExpirySweeper> logger)
    : BackgroundService
{
    /// <summary>Expires every reservation due by now; returns how many it expired.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var expired = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
            var now = time.GetUtcNow();
            var due = await db.Reservations.AsNoTracking()
                .Where(r => r.Status == ReservationStatus.Active && r.ExpiresAt <= now)
                .OrderBy(r => r.ExpiresAt).Select(r => r.Key).Take(100)
                .ToListAsync(cancellationToken);
            foreach (var key in due)
            {
                // A release or fulfilment that wins the race leaves nothing to expire; EndAsync sees that.
                var result = await Reservations.EndAsync(db, key, ReservationStatus.Expired, now, logger, cancellationToken);
                if (result.Result is Microsoft.AspNetCore.Http.HttpResults.Ok<ReservationResponse> { Value.Status: ReservationStatus.Expired })
                {
                    expired++;
                }

                db.ChangeTracker.Clear();
            }

            if (due.Count < 100)
            {
                return expired;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SweeperEnabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                var count = await SweepAsync(stoppingToken);
                if (count > 0)
                {
                    logger.LogInformation("Expired {Count} reservation(s)", count);
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(exception, "Reservation expiry sweep failed; retrying next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
