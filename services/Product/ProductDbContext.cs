using Commerce.Product.Contracts;

namespace Commerce.Product;

public sealed class ProductDbContext(DbContextOptions<ProductDbContext> options) : DbContext(options)
{
    public const string Schema = "product";

    public DbSet<CatalogProduct> Products => Set<CatalogProduct>();

    public DbSet<StockLevel> StockLevels => Set<StockLevel>();

    public DbSet<SellerCopy> Sellers => Set<SellerCopy>();

    public DbSet<ProductRatingCopy> Ratings => Set<ProductRatingCopy>();

    public DbSet<Catalog.CartHolding> CartHoldings => Set<Catalog.CartHolding>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.AddCommerceMessaging();

        modelBuilder.Entity<CatalogProduct>(product =>
        {
            product.ToTable("products");
            product.HasKey(p => p.Id);
            product.Property(p => p.Sku).HasMaxLength(Limits.Sku);
            product.HasIndex(p => p.Sku).IsUnique();
            product.Property(p => p.Name).HasMaxLength(Limits.Name);
            product.Property(p => p.Description).HasMaxLength(Limits.Description);
            product.Property(p => p.Category).HasMaxLength(Limits.Category);
            product.HasIndex(p => p.Category);
            product.Property(p => p.Price).HasPrecision(18, 2);
            product.HasIndex(p => p.Price);
            product.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
            product.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
            product.HasIndex(p => p.SellerId);
            product.Property(p => p.Version).IsConcurrencyToken();
            product.OwnsMany(p => p.Attributes, attribute => attribute.ToJson("attributes"));
        });

        modelBuilder.Entity<StockLevel>(stock =>
        {
            stock.ToTable("stock_levels");
            stock.HasKey(s => new { s.Sku, s.Warehouse });
            stock.Property(s => s.Sku).HasMaxLength(Limits.Sku);
            stock.Property(s => s.Warehouse).HasMaxLength(Limits.Warehouse);
        });

        modelBuilder.Entity<SellerCopy>(seller =>
        {
            seller.ToTable("sellers");
            seller.HasKey(s => s.SellerId);
            seller.Property(s => s.DisplayName).HasMaxLength(Limits.SellerName);
            seller.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
        });

        modelBuilder.Entity<ProductRatingCopy>(rating =>
        {
            rating.ToTable("product_ratings");
            rating.HasKey(r => r.ProductId);
            rating.Property(r => r.Average).HasPrecision(3, 2);
        });

        modelBuilder.Entity<Catalog.CartHolding>(holding =>
        {
            holding.ToTable("cart_holdings");
            holding.HasKey(h => new { h.ProductId, h.CartId });
        });

        modelBuilder.AddCacheRefreshTimes();
        modelBuilder.UseSnakeCaseNames();
    }
}

/// <summary>A catalog entry. Named apart from the namespace so <c>Product</c> stays unambiguous.</summary>
public sealed class CatalogProduct : IVersionedAggregate
{
    public required Guid Id { get; init; }

    string IVersionedAggregate.AggregateId => Id.ToString();

    public required string Sku { get; init; }

    public required string Name { get; set; }

    public required string Description { get; set; }

    public required string Category { get; set; }

    public required decimal Price { get; set; }

    public required string Currency { get; set; }

    public ProductStatus Status { get; set; } = ProductStatus.Active;

    public List<SpecificationAttribute> Attributes { get; set; } = [];

    public List<string> ImageUrls { get; set; } = [];

    /// <summary>The seller who sells it and alone (with operators) may change it; null for the shop's own products.</summary>
    public Guid? SellerId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public int Version { get; set; } = 1;
}

public sealed class SpecificationAttribute
{
    public required string Name { get; set; }

    public required string Value { get; set; }
}

/// <summary>
/// Product's cache of Inventory's available quantity, per SKU and warehouse (Inventory versions each stock item
/// separately, so caching per warehouse and summing keeps the figure right whatever order events arrive in).
/// <see cref="SourceVersion"/> is the stock item's version the figure is from.
/// </summary>
public sealed class StockLevel : ICachedCopy
{
    public required string Sku { get; init; }

    public required string Warehouse { get; init; }

    public required int Available { get; set; }

    public required int SourceVersion { get; set; }

    public required DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// Product's cache of a seller (from Seller's events, whole state each time): what a product page shows of its
/// seller, and whether the seller may change its products (a suspended one may not).
/// </summary>
public sealed class SellerCopy : ICachedCopy
{
    public required Guid SellerId { get; init; }

    public required Guid AccountId { get; set; }

    public required string DisplayName { get; set; }

    public required Seller.Contracts.SellerStatus Status { get; set; }

    public required int SourceVersion { get; set; }

    public required DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// Product's cache of a product's rating (from Review's ReviewApproved, whole summary each time), so a product page
/// shows it without asking Review. <see cref="SourceVersion"/> counts the summary's changes in Review.
/// </summary>
public sealed class ProductRatingCopy : ICachedCopy
{
    public required Guid ProductId { get; init; }

    public required int Count { get; set; }

    public required decimal Average { get; set; }

    /// <summary>Approved reviews per star, index 0 = one star.</summary>
    public required int[] Stars { get; set; }

    public required int SourceVersion { get; set; }

    public required DateTimeOffset UpdatedAt { get; set; }
}

internal static class Limits
{
    public const int SellerName = 100;
    public const int Sku = 64;
    public const int Warehouse = 64;
    public const int Name = 200;
    public const int Description = 4000;
    public const int Category = 100;
    public const int AttributeName = 100;
    public const int AttributeValue = 500;
    public const int Attributes = CreateProductRequest.MaxAttributes;
    public const int ImageUrl = 2000;
    public const int ImageUrls = CreateProductRequest.MaxImageUrls;
    public const int MaxPageSize = 100;

    /// <summary>Keeps the row offset ((page - 1) * pageSize) within an int.</summary>
    public const int MaxPage = 1_000_000;
    public const int DefaultPageSize = 20;
}
