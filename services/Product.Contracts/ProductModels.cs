namespace Commerce.Product.Contracts;

[JsonConverter(typeof(JsonStringEnumConverter<ProductStatus>))]
public enum ProductStatus
{
    Active,
    Discontinued,
}

/// <summary>A specification line, e.g. ("Weight", "1.2 kg").</summary>
public sealed record ProductAttribute(string Name, string Value);

public sealed record CreateProductRequest(
    string Sku,
    string Name,
    string Category,
    decimal Price,
    string Currency,
    string? Description = null,
    [property: MaxLength(CreateProductRequest.MaxAttributes)] IReadOnlyList<ProductAttribute>? Attributes = null,
    [property: MaxLength(CreateProductRequest.MaxImageUrls)] IReadOnlyList<string>? ImageUrls = null,
    Guid? SellerId = null)
{
    public const int MaxAttributes = 50;

    public const int MaxImageUrls = 20;
}

/// <summary>Replaces the descriptive fields; the price changes through its own operation.</summary>
public sealed record UpdateProductRequest(
    string Name,
    string Category,
    string? Description = null,
    [property: MaxLength(CreateProductRequest.MaxAttributes)] IReadOnlyList<ProductAttribute>? Attributes = null,
    [property: MaxLength(CreateProductRequest.MaxImageUrls)] IReadOnlyList<string>? ImageUrls = null);

public sealed record ChangePriceRequest(decimal Price, string Currency);

/// <summary>Everything about a product. <see cref="AvailableQuantity"/> is a cache of Inventory's figure (null until Inventory reports), summed over warehouses as long.</summary>
public sealed record ProductResponse(
    Guid Id,
    string Sku,
    string Name,
    string Description,
    string Category,
    decimal Price,
    string Currency,
    ProductStatus Status,
    IReadOnlyList<ProductAttribute> Attributes,
    IReadOnlyList<string> ImageUrls,
    long? AvailableQuantity,
    int Version,
    ProductSeller? Seller = null,
    ProductRating? Rating = null,
    int? InCarts = null);

/// <summary>Who sells the product (null: the shop itself), from Seller's events.</summary>
public sealed record ProductSeller(Guid Id, string DisplayName, bool Active);

/// <summary>The product's approved reviews summed up (from Review's events): the count per star, index 0 = one star.</summary>
public sealed record ProductRating(int Count, decimal Average, IReadOnlyList<int> Stars);

/// <param name="Version">The product's version, as in its ETag and its events (what a rebuilt cache records).</param>
public sealed record ProductSummary(
    Guid Id,
    string Sku,
    string Name,
    string Category,
    decimal Price,
    string Currency,
    ProductStatus Status,
    long? AvailableQuantity,
    int Version,
    ProductSeller? Seller = null,
    ProductRating? Rating = null,
    int? InCarts = null);

public sealed record ProductPage(IReadOnlyList<ProductSummary> Items, int Page, int PageSize, int TotalCount);

/// <summary>Query string of GET /products. All filters optional; Page is 1-based.</summary>
public sealed record ProductSearch
{
    public string? Text { get; init; }

    public string? Category { get; init; }

    public decimal? MinPrice { get; init; }

    public decimal? MaxPrice { get; init; }

    public ProductStatus? Status { get; init; }

    /// <summary>Only the products this seller sells.</summary>
    public Guid? SellerId { get; init; }

    public int? Page { get; init; }

    public int? PageSize { get; init; }
}
