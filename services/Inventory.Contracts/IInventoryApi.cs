namespace Commerce.Inventory.Contracts;

/// <summary>Inventory's HTTP API. Failures surface as <see cref="ApiException"/> carrying RFC 9457 problem details.</summary>
public interface IInventoryApi
{
    [Get("/inventory/stock/{sku}")]
    Task<StockLevelResponse> GetStockAsync(string sku, CancellationToken cancellationToken = default);

    [Post("/inventory/stock/{sku}/receipts")]
    Task<StockItemResponse> ReceiveAsync(string sku, [Body] ReceiveStockRequest request, CancellationToken cancellationToken = default);

    [Post("/inventory/stock/{sku}/adjustments")]
    Task<StockItemResponse> AdjustAsync(
        string sku,
        [Body] AdjustStockRequest request,
        [Header("If-Match")] string? ifMatch = null,
        CancellationToken cancellationToken = default);

    [Put("/inventory/stock/{sku}/reorder-point")]
    Task<StockItemResponse> SetReorderPointAsync(string sku, [Body] SetReorderPointRequest request, CancellationToken cancellationToken = default);

    [Get("/inventory/stock/{sku}/movements")]
    Task<IReadOnlyList<StockMovementResponse>> GetMovementsAsync(string sku, CancellationToken cancellationToken = default);

    /// <summary>All-or-nothing across lines; 201 new, 200 repeat of the same key, 409 same key other lines, 422 not enough stock.</summary>
    [Post("/inventory/reservations")]
    Task<ReservationResponse> ReserveAsync([Body] ReserveStockRequest request, CancellationToken cancellationToken = default);

    [Get("/inventory/reservations/{key}")]
    Task<ReservationResponse> GetReservationAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Active → Committed, when the order is confirmed: the reservation no longer expires and holds its stock until
    /// fulfilled or released. Idempotent; a reservation past its ExpiresAt, released or fulfilled is a 409.
    /// </summary>
    [Post("/inventory/reservations/{key}/commit")]
    Task<ReservationResponse> CommitAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Idempotent: releasing a released or expired reservation returns it unchanged; a fulfilled one is a 409. A
    /// committed reservation can be released (its order cancelled before it shipped).
    /// </summary>
    [Post("/inventory/reservations/{key}/release")]
    Task<ReservationResponse> ReleaseAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Decrements on hand when shipped, from Active or Committed. Idempotent; a released or expired reservation is a 409.</summary>
    [Post("/inventory/reservations/{key}/fulfil")]
    Task<ReservationResponse> FulfilAsync(string key, CancellationToken cancellationToken = default);
}
