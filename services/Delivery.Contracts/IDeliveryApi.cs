namespace Commerce.Delivery.Contracts;

/// <summary>Delivery's HTTP API. Failures surface as <see cref="ApiException"/> carrying RFC 9457 problem details.</summary>
public interface IDeliveryApi
{
    /// <summary>Operators: plans the day's unrouted shipments into routes (one per region); idempotent (a repeat plans nothing new).</summary>
    [Post("/delivery/routes/plan")]
    Task<RoutePlan> PlanAsync([Body] PlanRoutesRequest request, CancellationToken cancellationToken = default);

    /// <summary>Operators: a day's routes, optionally one region.</summary>
    [Get("/delivery/routes")]
    Task<IReadOnlyList<RouteResponse>> ListRoutesAsync([Query(Format = "yyyy-MM-dd")] DateOnly day, string? region = null, CancellationToken cancellationToken = default);

    /// <summary>Operators.</summary>
    [Get("/delivery/routes/{id}")]
    Task<RouteResponse> GetRouteAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Shipping's client and operators: the shipment's route and stop; 404 while it is on none.</summary>
    [Get("/delivery/shipments/{shipmentId}")]
    Task<ShipmentRoute> GetShipmentRouteAsync(Guid shipmentId, CancellationToken cancellationToken = default);
}
