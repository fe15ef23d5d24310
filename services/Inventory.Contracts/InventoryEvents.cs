namespace Commerce.Inventory.Contracts;

// Event payloads. Reservation events: aggregate id = reservation key, version = reservation version.
// Stock events: aggregate id = "{sku}@{warehouse}", version = that stock item's version. LowStockAlert has a stream
// of its own, "{sku}@{warehouse}/low-stock" (at the stock item's version), since it is raised by a change that also
// raises StockLevelChanged and one stream never carries two events at one version. Alerts written before this
// rule sit on the stock item's stream at the same version as that change's StockLevelChanged.

public sealed record InventoryReserved(string Key, Guid? OrderId, IReadOnlyList<ReservationAllocation> Allocations, DateTimeOffset ExpiresAt);

/// <summary>The reservation's order is confirmed: it stops expiring and holds its stock until fulfilled or released.</summary>
public sealed record InventoryReservationCommitted(string Key, Guid? OrderId, IReadOnlyList<ReservationAllocation> Allocations);

public sealed record InventoryReservationReleased(string Key, Guid? OrderId, IReadOnlyList<ReservationAllocation> Allocations);

public sealed record InventoryReservationExpired(string Key, Guid? OrderId, IReadOnlyList<ReservationAllocation> Allocations);

public sealed record InventoryFulfilled(string Key, Guid? OrderId, IReadOnlyList<ReservationAllocation> Allocations);

public sealed record LowStockAlert(string Sku, string Warehouse, int Available, int ReorderPoint);

/// <summary>Any change of one stock item's figures (receipt, adjustment, reserve, release, expiry, fulfilment).</summary>
/// <param name="SkuAvailable">Available across all warehouses right after this change (what Product caches).</param>
public sealed record StockLevelChanged(string Sku, string Warehouse, int OnHand, int Reserved, int Available, long SkuAvailable);
