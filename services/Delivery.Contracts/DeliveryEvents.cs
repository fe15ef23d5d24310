namespace Commerce.Delivery.Contracts;

// Event payloads. Aggregate id = route id, version = the route's version.

/// <summary>A shipment was put on a route at stop <paramref name="StopNumber"/> of <paramref name="Stops"/> (→ Shipping).</summary>
public sealed record ShipmentRouted(Guid ShipmentId, Guid OrderId, Guid RouteId, DateOnly Day, string Region, int StopNumber, int Stops);
