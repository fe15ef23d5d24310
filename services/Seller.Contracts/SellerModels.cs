namespace Commerce.Seller.Contracts;

/// <summary>Active sellers sell; a suspended seller's products stay in the catalog but the seller cannot change them.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SellerStatus>))]
public enum SellerStatus
{
    Active,
    Suspended,
}

/// <summary>A signed-in customer account registers as a seller: the account then manages the seller's profile and products.</summary>
/// <param name="DisplayName">Shown on the seller's products (1–100 characters).</param>
/// <param name="ContactEmail">Where the shop writes to the seller (low stock, suspension); not shown to customers.</param>
public sealed record RegisterSellerRequest(string DisplayName, string ContactEmail, string? ContactPhone = null, string? Description = null);

/// <summary>Replaces the profile's fields (If-Match with the profile's ETag).</summary>
public sealed record UpdateSellerRequest(string DisplayName, string ContactEmail, string? ContactPhone = null, string? Description = null);

public sealed record SuspendSellerRequest(string Reason);

/// <summary>The whole profile, for the seller itself and operators.</summary>
/// <param name="AccountId">The customer account that manages the seller (its token carries the seller's id).</param>
public sealed record SellerResponse(
    Guid Id,
    Guid AccountId,
    string DisplayName,
    string ContactEmail,
    string? ContactPhone,
    string? Description,
    SellerStatus Status,
    string? SuspensionReason,
    DateTimeOffset RegisteredAt,
    int Version);

/// <summary>What anyone may see of a seller (a product page shows it).</summary>
public sealed record SellerStorefront(Guid Id, string DisplayName, string? Description, SellerStatus Status);

public sealed record SellerPage(IReadOnlyList<SellerResponse> Items, int Page, int PageSize, int TotalCount);

/// <summary>One of the seller's products Inventory reported at or below its reorder point, newest report per SKU and warehouse.</summary>
public sealed record LowStockItem(Guid ProductId, string Sku, string ProductName, string Warehouse, int Available, int ReorderPoint, DateTimeOffset ReportedAt);
