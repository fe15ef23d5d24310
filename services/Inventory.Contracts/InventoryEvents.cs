namespace Commerce.Inventory.Contracts;

// Event payloads. Reservation events: aggregate id = reservation key, version = reservation version.
// Stock events: aggregate id = "{sku}@{warehouse}", version = that stock item's version.

public sealed record InventoryReserved(string Key, Guid? OrderId, IReadOnlyList<ReservationAllocation> Allocations, DateTimeOffset ExpiresAt);

public sealed record InventoryReservationReleased(string Key, Guid? OrderId, IReadOnlyList<ReservationAllocation> Allocations);

public sealed record InventoryReservationExpired(string Key, Guid? OrderId, IReadOnlyList<ReservationAllocation> Allocations);

public sealed record InventoryFulfilled(string Key, Guid? OrderId, IReadOnlyList<ReservationAllocation> Allocations);

public sealed record LowStockAlert(string Sku, string Warehouse, int Available, int ReorderPoint);

/// <summary>Any change of one stock item's figures (receipt, adjustment, reserve, release, expiry, fulfilment).</summary>
/// <param name="SkuAvailable">Available across all warehouses right after this change (what Product caches).</param>
public sealed record StockLevelChanged(string Sku, string Warehouse, int OnHand, int Reserved, int Available, long SkuAvailable);
