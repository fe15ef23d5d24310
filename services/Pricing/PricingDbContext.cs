using Commerce.Pricing.Contracts;
using Commerce.Product.Contracts;

namespace Commerce.Pricing;

public sealed class PricingDbContext(DbContextOptions<PricingDbContext> options) : DbContext(options)
{
    public const string Schema = "pricing";

    public DbSet<PricingRule> Rules => Set<PricingRule>();

    public DbSet<Quote> Quotes => Set<Quote>();

    public DbSet<CachedProduct> Products => Set<CachedProduct>();

    public DbSet<CachedMembership> Memberships => Set<CachedMembership>();

    public DbSet<CachedPromotion> Promotions => Set<CachedPromotion>();

    public DbSet<ProductDemand> Demand => Set<ProductDemand>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.AddCommerceMessaging();

        modelBuilder.Entity<PricingRule>(rule =>
        {
            rule.ToTable("pricing_rules");
            rule.HasKey(r => r.Id);
            rule.Property(r => r.Kind).HasConversion<string>().HasMaxLength(32);
            rule.Property(r => r.Name).HasMaxLength(PricingLimits.Name);
            rule.Property(r => r.Category).HasMaxLength(PricingLimits.Category);
            rule.Property(r => r.Percent).HasPrecision(5, 2);
            rule.Property(r => r.Membership).HasMaxLength(PricingLimits.Membership);
            rule.Property(r => r.SalePrice).HasPrecision(18, 2);
            rule.Property(r => r.Currency).HasMaxLength(3).IsFixedLength();
            rule.Property(r => r.Version).IsConcurrencyToken();
            // The quote path reads the rules in force: not retired, of a kind.
            rule.HasIndex(r => new { r.Retired, r.Kind });
        });

        modelBuilder.Entity<Quote>(quote =>
        {
            quote.ToTable("quotes");
            quote.HasKey(q => q.Id);
            quote.HasIndex(q => q.CustomerId);
            // Retention deletes expired quotes oldest first.
            quote.HasIndex(q => q.ExpiresAt);
            quote.Property(q => q.Currency).HasMaxLength(3).IsFixedLength();
            quote.Property(q => q.Lines).HasColumnType("jsonb");
            quote.Property(q => q.OrderAdjustments).HasColumnType("jsonb");
            quote.Property(q => q.Promotions).HasColumnType("jsonb");
            quote.Property(q => q.Subtotal).HasPrecision(18, 2);
            quote.Property(q => q.Total).HasPrecision(18, 2);
            quote.Property(q => q.CouponCode).HasMaxLength(PricingLimits.CouponCode);
        });

        modelBuilder.Entity<CachedProduct>(product =>
        {
            product.ToTable("cached_products");
            product.HasKey(p => p.ProductId);
            product.Property(p => p.ProductId).ValueGeneratedNever();
            product.Property(p => p.Sku).HasMaxLength(PricingLimits.Sku);
            product.Property(p => p.Name).HasMaxLength(PricingLimits.Name);
            product.Property(p => p.Category).HasMaxLength(PricingLimits.Category);
            product.Property(p => p.Price).HasPrecision(18, 2);
            product.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
            product.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
        });

        modelBuilder.Entity<CachedMembership>(membership =>
        {
            membership.ToTable("customer_memberships");
            membership.HasKey(m => m.CustomerId);
            membership.Property(m => m.CustomerId).ValueGeneratedNever();
            membership.Property(m => m.Membership).HasConversion<string>().HasMaxLength(PricingLimits.Membership);
        });

        modelBuilder.Entity<CachedPromotion>(promotion =>
        {
            promotion.ToTable("promotions");
            promotion.HasKey(p => p.PromotionId);
            promotion.Property(p => p.PromotionId).ValueGeneratedNever();
            promotion.Property(p => p.Name).HasMaxLength(PricingLimits.Name);
            promotion.Property(p => p.Terms).HasColumnType("jsonb");
            // The quote path reads the automatic promotions in force.
            promotion.HasIndex(p => new { p.Active, p.RequiresCoupon });
        });

        modelBuilder.Entity<ProductDemand>(demand =>
        {
            demand.ToTable("product_demand");
            demand.HasKey(d => d.ProductId);
            demand.Property(d => d.ProductId).ValueGeneratedNever();
        });

        modelBuilder.AddCacheRefreshTimes();
        modelBuilder.UseSnakeCaseNames();
    }
}

/// <summary>An operator's pricing rule; retired rules stay for the record and no longer apply.</summary>
public sealed class PricingRule : IVersionedAggregate
{
    public required Guid Id { get; init; }

    string IVersionedAggregate.AggregateId => Id.ToString();

    public required PricingRuleKind Kind { get; init; }

    public required string Name { get; init; }

    public Guid? ProductId { get; init; }

    public string? Category { get; init; }

    public int? MinimumQuantity { get; init; }

    public decimal? Percent { get; init; }

    /// <summary>A Customer <c>MembershipLevel</c> name, as Customer spells it.</summary>
    public string? Membership { get; init; }

    public decimal? SalePrice { get; init; }

    public string? Currency { get; init; }

    public DateTimeOffset? StartsAt { get; init; }

    public DateTimeOffset? EndsAt { get; init; }

    public bool Retired { get; set; }

    public DateTimeOffset? RetiredAt { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public int Version { get; set; } = 1;
}

/// <summary>
/// A quote as it was made. Lines, order adjustments and applied promotions are kept as the JSON of the response's
/// records (jsonb), so GET answers exactly what POST answered, whatever rules or prices change afterwards.
/// </summary>
public sealed class Quote
{
    public required Guid Id { get; init; }

    public required Guid CustomerId { get; init; }

    public required string Currency { get; init; }

    public required string Lines { get; init; }

    public required string OrderAdjustments { get; init; }

    public required string Promotions { get; init; }

    public required decimal Subtotal { get; init; }

    public required decimal Total { get; init; }

    public string? CouponCode { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>Pricing's copy of a product's pricing-relevant state (Product's events, its API on a miss or a rebuild).</summary>
public sealed class CachedProduct : ICachedCopy
{
    public required Guid ProductId { get; init; }

    public required string Sku { get; set; }

    public required string Name { get; set; }

    public required string Category { get; set; }

    public required decimal Price { get; set; }

    public required string Currency { get; set; }

    public required ProductStatus Status { get; set; }

    public required int SourceVersion { get; set; }

    public required DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A customer's membership level as Customer last announced it; customers with none are Standard.</summary>
public sealed class CachedMembership : ICachedCopy
{
    public required Guid CustomerId { get; init; }

    public required Customer.Contracts.MembershipLevel Membership { get; set; }

    public required int SourceVersion { get; set; }
}

/// <summary>
/// A promotion Promotion announced. <see cref="Terms"/> is null for one whose expiry arrived before its activation
/// (the activation is then stale and never applied: an inactive promotion's terms do not matter).
/// </summary>
public sealed class CachedPromotion : ICachedCopy
{
    public required Guid PromotionId { get; init; }

    public required string Name { get; set; }

    /// <summary>Promotion's <c>PromotionTerms</c> as JSON (jsonb).</summary>
    public string? Terms { get; set; }

    public required bool RequiresCoupon { get; set; }

    public DateTimeOffset? StartsAt { get; set; }

    public DateTimeOffset? EndsAt { get; set; }

    public required bool Active { get; set; }

    public required int SourceVersion { get; set; }
}

/// <summary>How much shoppers want a product: units added to carts, carts it was added to, and when last.</summary>
public sealed class ProductDemand
{
    public required Guid ProductId { get; init; }

    public long UnitsAdded { get; set; }

    public long Carts { get; set; }

    public DateTimeOffset LastAddedAt { get; set; }
}

internal static class PricingLimits
{
    public const int Name = 200;
    public const int Category = 100;
    public const int Sku = 64;
    public const int Membership = 20;
    public const int CouponCode = 32;
    public const int MaxQuantity = 999;

    /// <summary>The instant as PostgreSQL stores it (microseconds), so what an endpoint answers is what a read returns.</summary>
    public static DateTimeOffset Stored(DateTimeOffset instant) => instant.AddTicks(-(instant.Ticks % 10));
}
