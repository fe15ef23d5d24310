using Commerce.Product.Contracts;
using Commerce.Seller.Contracts;

namespace Commerce.Seller;

/// <summary>A seller's profile: managed by one customer account (<see cref="AccountId"/>, unique) and by operators.</summary>
public sealed class SellerProfile : IVersionedAggregate
{
    public required Guid Id { get; init; }

    string IVersionedAggregate.AggregateId => Id.ToString();

    public required Guid AccountId { get; init; }

    public required string DisplayName { get; set; }

    public required string ContactEmail { get; set; }

    public string? ContactPhone { get; set; }

    public string? Description { get; set; }

    public SellerStatus Status { get; set; }

    public string? SuspensionReason { get; set; }

    public required DateTimeOffset RegisteredAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// +1 on every event on the seller's stream: profile changes, and SellerStockLow too, so one stream never carries two
    /// events at one version and every subscriber may order the seller's events by it. The profile's ETag.
    /// </summary>
    public int Version { get; set; } = 1;

    public SellerState State => new(AccountId, DisplayName, ContactEmail, Status);

    public SellerResponse ToResponse() =>
        new(Id, AccountId, DisplayName, ContactEmail, ContactPhone, Description, Status, SuspensionReason, RegisteredAt, Version);

    public SellerStorefront ToStorefront() => new(Id, DisplayName, Description, Status);
}

/// <summary>
/// Product's catalog entry as far as low stock needs it (which seller sells a SKU, and its name), cached from Product's
/// events by product version.
/// </summary>
public sealed class ProductCopy : ICachedCopy
{
    public required Guid ProductId { get; init; }

    public required string Sku { get; set; }

    public required string Name { get; set; }

    public Guid? SellerId { get; set; }

    public required ProductStatus Status { get; set; }

    public required int SourceVersion { get; set; }
}

/// <summary>
/// One SKU in one warehouse that Inventory reported at or below its reorder point. The row stays once the stock
/// recovers (<see cref="IsLow"/> false) as a marker of the stock item's version it last reflected, so a late or
/// repeated alert of an older change cannot open the spell again and notify a second time.
/// </summary>
public sealed class LowStockRow
{
    public required string Sku { get; init; }

    public required string Warehouse { get; init; }

    public required Guid SellerId { get; set; }

    public required Guid ProductId { get; set; }

    public required string ProductName { get; set; }

    public required int Available { get; set; }

    public required int ReorderPoint { get; set; }

    public required bool IsLow { get; set; }

    /// <summary>When the alert that opened or last refreshed the low spell occurred.</summary>
    public required DateTimeOffset ReportedAt { get; set; }

    /// <summary>The stock item's version (Inventory's) of the last alert or level change applied.</summary>
    public required int StockVersion { get; set; }

    public LowStockItem ToItem() => new(ProductId, Sku, ProductName, Warehouse, Available, ReorderPoint, ReportedAt);
}
