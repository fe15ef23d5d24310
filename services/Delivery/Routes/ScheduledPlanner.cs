namespace Commerce.Delivery.Routes;

/// <summary>
/// Plans what operators left unplanned: every past day (UTC) that still has shipments on no route, and today as well
/// once <see cref="PlanningOptions.Cutoff"/> has passed, if one is set. What is due is read from the shipments' indexed
/// columns, so a restarted host carries on where the last one stopped; a plan of a day already planned by an operator
/// (or another host) finds nothing left and changes nothing.
/// </summary>
public sealed class ScheduledPlanner(IServiceScopeFactory scopes, TimeProvider time, IOptions<PlanningOptions> options, ILogger<ScheduledPlanner> logger)
    : BackgroundService
{
    /// <summary>One pass: plans every due day; returns how many routes it planned.</summary>
    public async Task<int> PlanDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var lastDue = options.Value.Cutoff is { } cutoff && now.TimeOfDay >= cutoff ? today : today.AddDays(-1);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeliveryDbContext>();
        var days = await db.Shipments
            .Where(s => s.RouteId == null && s.DeliveredAt == null && s.Day <= lastDue)
            .Select(s => s.Day).Distinct().OrderBy(d => d)
            .ToListAsync(cancellationToken);
        var planned = 0;
        foreach (var day in days)
        {
            await using var dayScope = scopes.CreateAsyncScope();
            planned += (await dayScope.ServiceProvider.GetRequiredService<RoutePlanner>().PlanAsync(day, cancellationToken)).Routes.Count;
        }

        return planned;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ScheduleEnabled)
        {
            return;
        }

        // A misconfigured interval (zero, negative) falls back to the default rather than stopping the schedule.
        var interval = options.Value.Interval > TimeSpan.Zero ? options.Value.Interval : new PlanningOptions().Interval;
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                var planned = await PlanDueAsync(stoppingToken);
                if (planned > 0)
                {
                    logger.LogInformation("Scheduled planning made {Routes} route(s)", planned);
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(exception, "Scheduled route planning failed; retrying next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
