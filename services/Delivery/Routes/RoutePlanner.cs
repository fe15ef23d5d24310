using Commerce.Delivery.Contracts;
using Commerce.Delivery.Routing;

namespace Commerce.Delivery.Routes;

/// <summary>Delivery:Planning settings.</summary>
public sealed class PlanningOptions
{
    public const string Section = "Delivery:Planning";

    /// <summary>A vehicle's capacity: a region with more of a day's stops is split into several routes.</summary>
    public int MaxStopsPerRoute { get; set; } = 150;

    /// <summary>Whether the scheduled planner runs (it plans the leftovers of past days, and today's after <see cref="Cutoff"/>).</summary>
    public bool ScheduleEnabled { get; set; } = true;

    /// <summary>How often the scheduled planner looks for due days.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The UTC time of day after which the scheduled planner plans today's shipments too; none: only past days.</summary>
    public TimeSpan? Cutoff { get; set; }
}

/// <summary>
/// Plans a day: every shipment of that day on no route yet (and not delivered) is grouped by region, a region's stops
/// split by <see cref="RouteOptimizer.Sweep"/> when they are more than a route takes, and each group ordered by
/// <see cref="RouteOptimizer.Optimize"/> into a new route. One transaction holds the routes, the stops and a
/// ShipmentRouted per stop; plans of one day are serialised by a transaction-level advisory lock, so a concurrent or
/// repeated plan finds those shipments routed and plans nothing new, while shipments that arrive later go into new
/// routes of the next plan.
/// </summary>
public sealed class RoutePlanner(DeliveryDbContext db, TimeProvider time, IOptions<PlanningOptions> options, ILogger<RoutePlanner> logger)
{
    /// <summary>The advisory lock namespace of plans (the day number is the other half of the key).</summary>
    private const int PlanLock = 0x0de1_0001;

    public async Task<RoutePlan> PlanAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var maxStops = Math.Max(1, options.Value.MaxStopsPerRoute);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({PlanLock}, {day.DayNumber})", cancellationToken);
        var unrouted = await db.Shipments
            .Where(s => s.Day == day && s.RouteId == null && s.DeliveredAt == null)
            .OrderBy(s => s.ReceivedAt).ThenBy(s => s.ShipmentId)
            .ToListAsync(cancellationToken);
        if (unrouted.Count == 0)
        {
            return new RoutePlan(day, []);
        }

        var now = time.GetUtcNow();
        var planned = new List<RouteResponse>();
        foreach (var region in unrouted.GroupBy(s => s.Region).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var depot = PostalGeometry.Depot(region.Key);
            var shipments = region.ToList(); // arrival order, which the naive length is measured in
            var points = shipments.Select(s => new Point(s.X, s.Y)).ToList();
            foreach (var group in RouteOptimizer.Sweep(depot, points, maxStops))
            {
                // The group in arrival order: that is the naive tour, and the optimiser's input.
                Array.Sort(group);
                var groupPoints = group.Select(i => points[i]).ToList();
                var order = RouteOptimizer.Optimize(depot, groupPoints);
                var route = new DeliveryRoute
                {
                    Id = Guid.CreateVersion7(now),
                    Day = day,
                    Region = region.Key,
                    Stops = group.Length,
                    LengthKm = RouteOptimizer.TourLength(depot, groupPoints, order),
                    NaiveLengthKm = RouteOptimizer.TourLength(depot, groupPoints, [.. Enumerable.Range(0, group.Length)]),
                    PlannedAt = now,
                    // Each stop's announcement is a version of the route's stream (one stream never has two events at
                    // one version): stop k is version k, so a planned route is at the version of its last stop.
                    Version = group.Length,
                };
                db.Routes.Add(route);
                var stops = order.Select(i => shipments[group[i]]).ToList();
                for (var number = 1; number <= stops.Count; number++)
                {
                    var stop = stops[number - 1];
                    stop.RouteId = route.Id;
                    stop.StopNumber = number;
                    db.AddEvent(new ShipmentRouted(stop.ShipmentId, stop.OrderId, route.Id, day, route.Region, number, route.Stops),
                        route.Id, number, now);
                }

                planned.Add(ToResponse(route, stops));
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Planned {Routes} route(s) for {Shipments} shipment(s) of {Day}", planned.Count, unrouted.Count, day);
        return new RoutePlan(day, planned);
    }

    /// <summary><paramref name="stops"/> in stop order.</summary>
    internal static RouteResponse ToResponse(DeliveryRoute route, IEnumerable<DispatchShipment> stops) =>
        new(
            route.Id,
            route.Day,
            route.Region,
            [.. stops.Select(s => new RouteStop(s.StopNumber ?? 0, s.ShipmentId, s.OrderId, s.PostalCode, s.X, s.Y))],
            route.LengthKm,
            route.NaiveLengthKm,
            route.PlannedAt);
}
