namespace Commerce.Delivery.Contracts;

/// <summary>Operators plan a day's routes: every routable shipment of that day not yet on a route, grouped per region.</summary>
public sealed record PlanRoutesRequest(DateOnly Day);

/// <summary>A stop's position on the plane the routes are optimised over (kilometres, derived from the postal code).</summary>
public sealed record RouteStop(int Number, Guid ShipmentId, Guid OrderId, string PostalCode, double X, double Y);

/// <param name="LengthKm">The optimised tour's length, depot to depot.</param>
/// <param name="NaiveLengthKm">The same stops' tour in the order the shipments arrived: what the optimisation saved.</param>
public sealed record RouteResponse(
    Guid Id,
    DateOnly Day,
    string Region,
    IReadOnlyList<RouteStop> Stops,
    double LengthKm,
    double NaiveLengthKm,
    DateTimeOffset PlannedAt);

public sealed record RoutePlan(DateOnly Day, IReadOnlyList<RouteResponse> Routes);

/// <summary>Where a shipment is on its route (what Shipping caches and shows on its tracking view).</summary>
public sealed record ShipmentRoute(Guid ShipmentId, Guid RouteId, DateOnly Day, string Region, int StopNumber, int Stops);
