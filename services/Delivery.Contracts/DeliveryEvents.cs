namespace Commerce.Delivery.Contracts;

// Event payloads. Aggregate id = route id, version = the route's version.

/// <summary>
/// A shipment was put on a route at stop <paramref name="StopNumber"/> of <paramref name="Stops"/> (→ Shipping). The
/// route's stops are announced as successive versions of the route (stop k at version k), so a subscriber must apply
/// every version, not only the newest; the event's occurred-at (the planning time) orders two routes of one shipment.
/// </summary>
public sealed record ShipmentRouted(Guid ShipmentId, Guid OrderId, Guid RouteId, DateOnly Day, string Region, int StopNumber, int Stops);
