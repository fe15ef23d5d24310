namespace Commerce.Seller.Contracts;

// Event payloads. Aggregate id = seller id, version = the seller's version; every seller event carries the seller's
// whole shared state, so caches (Product, Notification, Customer, Review) converge whatever order events arrive in.

/// <summary>What other contexts cache of a seller, whole, as of the event's aggregate version.</summary>
/// <param name="AccountId">The customer account that manages the seller (Customer puts the seller's id in its tokens).</param>
public sealed record SellerState(Guid AccountId, string DisplayName, string ContactEmail, SellerStatus Status);

public sealed record SellerRegistered(Guid SellerId, SellerState State);

public sealed record SellerProfileUpdated(Guid SellerId, SellerState State);

public sealed record SellerSuspended(Guid SellerId, string Reason, SellerState State);

public sealed record SellerReinstated(Guid SellerId, SellerState State);

/// <summary>
/// One of the seller's products fell to or below its reorder point in a warehouse (from Inventory's LowStockAlert):
/// Notification writes to the seller. Aggregate id = seller id.
/// </summary>
public sealed record SellerStockLow(Guid SellerId, Guid ProductId, string Sku, string ProductName, string Warehouse, int Available, int ReorderPoint);
