namespace Commerce.Promotion;

public sealed class PromotionDbContext(DbContextOptions<PromotionDbContext> options) : DbContext(options)
{
    public const string Schema = "promotion";

    public DbSet<Campaign> Promotions => Set<Campaign>();

    public DbSet<Coupon> Coupons => Set<Coupon>();

    public DbSet<Redemption> Redemptions => Set<Redemption>();

    public DbSet<CustomerTier> CustomerTiers => Set<CustomerTier>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.AddCommerceMessaging();

        modelBuilder.Entity<Campaign>(b =>
        {
            b.ToTable("promotions", t =>
            {
                t.HasCheckConstraint("ck_promotions_window", "starts_at < ends_at");
                t.HasCheckConstraint("ck_promotions_value", "value > 0");
            });
            b.HasKey(p => p.Id);
            b.Property(p => p.Name).HasMaxLength(PromotionLimits.Name);
            b.Property(p => p.Description).HasMaxLength(PromotionLimits.Description);
            b.Property(p => p.Kind).HasConversion<string>().HasMaxLength(20);
            b.Property(p => p.Value).HasPrecision(18, 2);
            b.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
            b.Property(p => p.Scope).HasConversion<string>().HasMaxLength(20);
            b.PrimitiveCollection(p => p.Categories).ElementType().HasMaxLength(PromotionLimits.Category);
            b.Property(p => p.MinimumMembership).HasMaxLength(20);
            b.Property(p => p.MinimumOrderTotal).HasPrecision(18, 2);
            b.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
            b.Property(p => p.Version).IsConcurrencyToken();
            b.Ignore(p => p.Terms);
            b.HasIndex(p => new { p.Status, p.StartsAt });
            b.HasIndex(p => new { p.Status, p.EndsAt });
            b.HasIndex(p => p.CreatedAt);
        });

        modelBuilder.Entity<Coupon>(b =>
        {
            b.ToTable("coupons", t =>
            {
                t.HasCheckConstraint("ck_coupons_used", "used >= 0 AND (usage_limit IS NULL OR used <= usage_limit)");
                t.HasCheckConstraint("ck_coupons_per_customer_limit", "per_customer_limit >= 1");
            });
            b.HasKey(c => c.Code);
            b.Property(c => c.Code).HasMaxLength(PromotionLimits.Code);
            b.HasOne<Campaign>().WithMany().HasForeignKey(c => c.PromotionId);
            b.HasIndex(c => c.SourceCartId).IsUnique().HasFilter("source_cart_id IS NOT NULL");
        });

        modelBuilder.Entity<Redemption>(b =>
        {
            b.ToTable("redemptions");
            b.HasKey(r => r.Key);
            b.Property(r => r.Key).HasMaxLength(PromotionLimits.Key);
            b.Property(r => r.Code).HasMaxLength(PromotionLimits.Code);
            b.HasOne<Coupon>().WithMany().HasForeignKey(r => r.Code);
            b.Property(r => r.Discount).HasPrecision(18, 2);
            b.Property(r => r.Currency).HasMaxLength(3).IsFixedLength();
            b.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
            b.Property(r => r.Version).IsConcurrencyToken();
            // The per-customer count a claim makes under the coupon's lock.
            b.HasIndex(r => new { r.Code, r.CustomerId }).HasFilter("status = 'Claimed'");
        });

        modelBuilder.Entity<CustomerTier>(b =>
        {
            b.ToTable("customer_tiers");
            b.HasKey(c => c.CustomerId);
            b.Property(c => c.Membership).HasMaxLength(20);
        });

        modelBuilder.AddCacheRefreshTimes();
        modelBuilder.UseSnakeCaseNames();
    }
}

internal static class PromotionLimits
{
    public const int Name = 200;
    public const int Description = 2000;
    public const int Category = 100;
    public const int Code = 32;
    public const int Key = 100;
    public const int ScopeEntries = Contracts.PromotionTerms.MaxScopeEntries;
    public const int MaxLines = Contracts.ValidateCouponRequest.MaxLines;
    public const int MaxListed = 200;

    /// <summary>Far above any real coupon's uses, far below int.MaxValue.</summary>
    public const int MaxUses = 100_000_000;
}
