using System.Globalization;
using Commerce.Delivery.Contracts;
using Commerce.Delivery.Routing;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Delivery.Routes;

public static class RouteEndpoints
{
    /// <summary>The days a plan or a listing may name: anything else is a typo, not a delivery day.</summary>
    private static readonly DateOnly FirstDay = new(2000, 1, 1);
    private static readonly DateOnly LastDay = new(2199, 12, 31);

    public static RouteGroupBuilder MapRoutes(this RouteGroupBuilder delivery)
    {
        // Planning dispatches vehicles: the warehouse's operators' call (the scheduled planner does the same for past days).
        delivery.MapPost("/routes/plan", PlanAsync).WithName("PlanRoutes").RequireAuthorization(Access.Operators);
        delivery.MapGet("/routes", ListAsync).WithName("ListRoutes").RequireAuthorization(Access.Operators);
        delivery.MapGet("/routes/{id:guid}", GetAsync).WithName("GetRoute").RequireAuthorization(Access.Operators).ProducesProblems(404);
        // Shipping shows a shipment's stop on its tracking view; nobody else has a reason to ask by shipment.
        delivery.MapGet("/shipments/{shipmentId:guid}", GetShipmentAsync).WithName("GetShipmentRoute")
            .RequireAuthorization(Access.ClientsOnly(andOperators: true, Clients.For("Shipping"))).ProducesProblems(404);
        return delivery;
    }

    private static async Task<Results<Ok<RoutePlan>, ValidationProblem>> PlanAsync(
        PlanRoutesRequest request, RoutePlanner planner, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().Check(request.Day >= FirstDay && request.Day <= LastDay, "day", "A day from 2000-01-01 to 2199-12-31.");
        if (errors.Any)
        {
            return errors.Problem();
        }

        return TypedResults.Ok(await planner.PlanAsync(request.Day, cancellationToken));
    }

    /// <summary>A day's routes (yyyy-MM-dd), optionally of one region ("US-94"), by region then planning order.</summary>
    private static async Task<Results<Ok<List<RouteResponse>>, ValidationProblem>> ListAsync(
        string? day, string? region, DeliveryDbContext db, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var parsed = DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                     && date >= FirstDay && date <= LastDay;
        errors.Check(parsed, "day", "Required: a day as yyyy-MM-dd, from 2000-01-01 to 2199-12-31.");
        errors.Check(region is null || IsRegion(region), "region", "A country code, a dash and a postal district of one or two letters or digits, e.g. US-94.");
        if (errors.Any)
        {
            return errors.Problem();
        }

        var routes = await db.Routes.AsNoTracking()
            .Where(r => r.Day == date && (region == null || r.Region == region))
            .OrderBy(r => r.Region).ThenBy(r => r.Id)
            .ToListAsync(cancellationToken);
        var ids = routes.Select(r => r.Id).ToList();
        var stops = (await db.Shipments.AsNoTracking()
                .Where(s => s.RouteId != null && ids.Contains(s.RouteId.Value))
                .OrderBy(s => s.StopNumber)
                .ToListAsync(cancellationToken))
            .ToLookup(s => s.RouteId!.Value);
        return TypedResults.Ok(routes.Select(r => RoutePlanner.ToResponse(r, stops[r.Id])).ToList());
    }

    private static async Task<Results<Ok<RouteResponse>, ProblemHttpResult>> GetAsync(Guid id, DeliveryDbContext db, CancellationToken cancellationToken)
    {
        var route = await db.Routes.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (route is null)
        {
            return Problems.NotFound($"No route {id}.");
        }

        var stops = await db.Shipments.AsNoTracking().Where(s => s.RouteId == id).OrderBy(s => s.StopNumber).ToListAsync(cancellationToken);
        return TypedResults.Ok(RoutePlanner.ToResponse(route, stops));
    }

    private static async Task<Results<Ok<ShipmentRoute>, ProblemHttpResult>> GetShipmentAsync(
        Guid shipmentId, DeliveryDbContext db, CancellationToken cancellationToken)
    {
        var stop = await db.Shipments.AsNoTracking()
            .Where(s => s.ShipmentId == shipmentId && s.RouteId != null)
            .Join(db.Routes, s => s.RouteId, r => r.Id, (s, r) => new ShipmentRoute(s.ShipmentId, r.Id, r.Day, r.Region, s.StopNumber!.Value, r.Stops))
            .FirstOrDefaultAsync(cancellationToken);
        return stop is null ? Problems.NotFound($"Shipment {shipmentId} is on no route.") : TypedResults.Ok(stop);
    }

    /// <summary>What <see cref="PostalGeometry.RegionOf"/> makes: "US-94", "GB-N1".</summary>
    private static bool IsRegion(string region) =>
        region.Length is >= 4 and <= PostalGeometry.RegionLength
        && char.IsAsciiLetterUpper(region[0]) && char.IsAsciiLetterUpper(region[1]) && region[2] == '-'
        && region[3..].All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c));
}
