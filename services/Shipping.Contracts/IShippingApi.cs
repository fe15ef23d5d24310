namespace Commerce.Shipping.Contracts;

/// <summary>
/// Shipping's HTTP API. An address the carrier rejects is a 422; a carrier that is down is a 503 (retry).
/// Failures surface as <see cref="ApiException"/>.
/// </summary>
public interface IShippingApi
{
    /// <summary>Idempotent per order id (201 the first time, 200 with the same shipment for the same address and items, 409 for others).</summary>
    [Post("/shipments")]
    Task<ShipmentResponse> CreateShipmentAsync([Body] CreateShipmentRequest request, CancellationToken cancellationToken = default);

    [Get("/shipments/{id}")]
    Task<ShipmentResponse> GetShipmentAsync(Guid id, CancellationToken cancellationToken = default);

    [Get("/shipments/by-order/{orderId}")]
    Task<ShipmentResponse> GetShipmentForOrderAsync(Guid orderId, CancellationToken cancellationToken = default);

    /// <summary>The carrier's push endpoint (the simulated carrier calls the same logic in process).</summary>
    [Post("/shipments/carrier/webhook")]
    Task<ShipmentResponse> PushTrackingUpdateAsync([Body] CarrierTrackingUpdate update, CancellationToken cancellationToken = default);

    /// <summary>Operator switch, in Development only: makes the simulated carrier refuse every new label (503).</summary>
    [Post("/shipments/carrier/outage")]
    Task<CarrierOutageResponse> SetCarrierOutageAsync([Body] CarrierOutageRequest request, CancellationToken cancellationToken = default);
}
