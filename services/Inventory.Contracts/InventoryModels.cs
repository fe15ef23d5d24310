namespace Commerce.Inventory.Contracts;

[JsonConverter(typeof(JsonStringEnumConverter<ReservationStatus>))]
public enum ReservationStatus
{
    /// <summary>Holds its stock until ExpiresAt, then Inventory expires it.</summary>
    Active,

    /// <summary>The order is confirmed: holds its stock until fulfilled or released, and never expires.</summary>
    Committed,
    Released,
    Expired,
    Fulfilled,
}

[JsonConverter(typeof(JsonStringEnumConverter<MovementKind>))]
public enum MovementKind
{
    Receipt,
    Adjustment,
    Fulfilment,
}

/// <summary>One SKU in one warehouse. Available = OnHand - Reserved.</summary>
public sealed record StockItemResponse(string Sku, string Warehouse, int OnHand, int Reserved, int Available, int ReorderPoint, int Version);

/// <summary>A SKU across all warehouses (summed as long: each warehouse may hold up to a billion).</summary>
/// <param name="ProductName">The product's name as Inventory last heard it from Product (null until it has).</param>
/// <param name="Discontinued">Product discontinued it: its stock raises no more low-stock alerts.</param>
public sealed record StockLevelResponse(
    string Sku,
    long OnHand,
    long Reserved,
    long Available,
    IReadOnlyList<StockItemResponse> Warehouses,
    string? ProductName = null,
    bool Discontinued = false);

/// <param name="Reference">E.g. a purchase-order number.</param>
public sealed record ReceiveStockRequest(string Warehouse, int Quantity, string? Reference = null);

/// <param name="Delta">Positive or negative; on hand may not drop below what is reserved.</param>
public sealed record AdjustStockRequest(string Warehouse, int Delta, string Reason);

/// <param name="ReorderPoint">A LowStockAlert is raised when available drops to or below it (0 disables).</param>
public sealed record SetReorderPointRequest(string Warehouse, int ReorderPoint);

public sealed record StockMovementResponse(
    Guid Id,
    string Sku,
    string Warehouse,
    MovementKind Kind,
    int Quantity,
    string? Reason,
    string? Reference,
    DateTimeOffset OccurredAt);

public sealed record ReservationLineRequest(string Sku, int Quantity);

/// <param name="Key">The idempotency key (e.g. the order id): a repeat with the same key and lines returns the
/// original reservation; the same key with different lines is a 409.</param>
/// <param name="OrderId">The order the reservation is for, when there is one.</param>
/// <param name="ExpiresInSeconds">Defaults to Inventory's configured lifetime (15 minutes).</param>
public sealed record ReserveStockRequest(
    string Key,
    [property: MaxLength(ReserveStockRequest.MaxLines)] IReadOnlyList<ReservationLineRequest> Lines,
    Guid? OrderId = null,
    int? ExpiresInSeconds = null)
{
    public const int MaxLines = 100;
}

/// <summary>Where a reserved quantity was taken from (a line may be split across warehouses).</summary>
public sealed record ReservationAllocation(string Sku, string Warehouse, int Quantity);

/// <param name="ExpiresAt">When an Active reservation expires; it no longer applies once the reservation is committed.</param>
/// <param name="CommittedAt">When it was committed (the order confirmed); null while it was never committed.</param>
public sealed record ReservationResponse(
    string Key,
    Guid? OrderId,
    ReservationStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<ReservationAllocation> Allocations,
    int Version,
    DateTimeOffset? CommittedAt = null);
