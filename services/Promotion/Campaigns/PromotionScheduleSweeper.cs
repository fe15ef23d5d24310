using Commerce.Promotion.Contracts;

namespace Commerce.Promotion.Campaigns;

/// <summary>The schedule sweeper's settings, bound from Promotion:Schedule.</summary>
public sealed class PromotionScheduleOptions
{
    /// <summary>How often due starts and ends are looked for (a promotion is usable by its window meanwhile).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled { get; set; } = true;
}

/// <summary>
/// Moves promotions along their windows: Scheduled → Active at StartsAt (PromotionActivated), Active → Expired at
/// EndsAt (PromotionExpired), and Scheduled → Expired when the whole window passed unseen (a host down throughout),
/// so no activation is announced for a promotion that already ended. The state lives in indexed columns, so a
/// restarted host picks up where the last one stopped; each transition is one transaction with its event, guarded by
/// the promotion's version, so two hosts sweeping at once move each promotion once.
/// </summary>
public sealed class PromotionScheduleSweeper(
    IServiceScopeFactory scopes, TimeProvider time, IOptions<PromotionScheduleOptions> options, ILogger<PromotionScheduleSweeper> logger)
    : BackgroundService
{
    private const int Batch = 100;

    /// <summary>One pass over everything due by now; returns how many promotions it moved.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var moved = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PromotionDbContext>();
            var now = time.GetUtcNow();
            var due = await db.Promotions
                .Where(p => (p.Status == PromotionStatus.Scheduled && p.StartsAt <= now)
                            || (p.Status == PromotionStatus.Active && p.EndsAt <= now))
                .OrderBy(p => p.StartsAt).Select(p => p.Id).Take(Batch)
                .ToListAsync(cancellationToken);
            foreach (var id in due)
            {
                db.ChangeTracker.Clear();
                var campaign = await db.Promotions.FirstAsync(p => p.Id == id, cancellationToken);
                moved += await MoveAsync(db, campaign, now, cancellationToken) ? 1 : 0;
            }

            if (due.Count < Batch)
            {
                return moved;
            }
        }
    }

    private async Task<bool> MoveAsync(PromotionDbContext db, Campaign campaign, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = (campaign.Status == PromotionStatus.Scheduled && campaign.StartsAt <= now)
                  || (campaign.Status == PromotionStatus.Active && campaign.EndsAt <= now);
        if (!due)
        {
            return false; // moved since it was listed
        }

        campaign.Status = campaign.EndsAt <= now ? PromotionStatus.Expired : PromotionStatus.Active;
        campaign.Version++;
        object @event = campaign.Status == PromotionStatus.Active
            ? PromotionEndpoints.Activated(campaign)
            : new PromotionExpired(campaign.Id, campaign.Name, PromotionStatus.Expired);
        db.AddEvent(@event, campaign.Id, campaign.Version, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Promotion {PromotionId} is now {Status}", campaign.Id, campaign.Status);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another host's sweeper, or an operator's deactivation, changed it first: theirs stands.
            return false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            try
            {
                var count = await SweepAsync(stoppingToken);
                if (count > 0)
                {
                    logger.LogInformation("Moved {Count} promotion(s) along their schedule", count);
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(exception, "Promotion schedule sweep failed; retrying next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
