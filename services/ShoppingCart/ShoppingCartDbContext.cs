namespace Commerce.ShoppingCart;

public sealed class ShoppingCartDbContext(DbContextOptions<ShoppingCartDbContext> options) : DbContext(options)
{
    public const string Schema = "shoppingcart";

    public DbSet<Cart> Carts => Set<Cart>();

    public DbSet<CartLine> CartLines => Set<CartLine>();

    public DbSet<CartConversion> Conversions => Set<CartConversion>();

    public DbSet<CachedProduct> Products => Set<CachedProduct>();

    public DbSet<CachedCustomer> Customers => Set<CachedCustomer>();

    public DbSet<CachedPromotion> Promotions => Set<CachedPromotion>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.AddCommerceMessaging();

        modelBuilder.Entity<Cart>(b =>
        {
            b.HasKey(c => c.Id);
            b.HasIndex(c => c.CustomerId).IsUnique();
            b.Property(c => c.CouponCode).HasMaxLength(CartLimits.CouponCode);
            b.Property(c => c.Version).IsConcurrencyToken();
            // The sweeper's scan: idle carts by last activity.
            b.HasIndex(c => c.LastActivityAt);
            b.HasMany(c => c.Lines).WithOne().HasForeignKey(l => l.CartId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<CartLine>(b =>
        {
            b.HasKey(l => new { l.CartId, l.ProductId });
            b.Property(l => l.PriceWhenAdded).HasPrecision(18, 2);
            b.Property(l => l.Currency).HasMaxLength(3).IsFixedLength();
            b.ToTable(t => t.HasCheckConstraint("ck_cart_lines_quantity", $"quantity BETWEEN 1 AND {CartLimits.MaxQuantity}"));
        });

        modelBuilder.Entity<CartConversion>(b =>
        {
            b.ToTable("cart_conversions");
            b.HasKey(c => new { c.CustomerId, c.IdempotencyKey });
            b.Property(c => c.IdempotencyKey).HasMaxLength(CartLimits.IdempotencyKey);
            b.Property(c => c.Total).HasPrecision(18, 2);
            b.Property(c => c.Currency).HasMaxLength(3).IsFixedLength();
            b.HasIndex(c => c.CreatedAt);
        });

        modelBuilder.Entity<CachedProduct>(b =>
        {
            b.ToTable("products");
            b.HasKey(p => p.ProductId);
            b.Property(p => p.Sku).HasMaxLength(CartLimits.Sku);
            b.Property(p => p.Name).HasMaxLength(CartLimits.Name);
            b.Property(p => p.Category).HasMaxLength(CartLimits.Category);
            b.Property(p => p.Price).HasPrecision(18, 2);
            b.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
        });

        modelBuilder.Entity<CachedCustomer>(b =>
        {
            b.ToTable("customers");
            b.HasKey(c => c.CustomerId);
            b.Property(c => c.Name).HasMaxLength(CartLimits.Name);
        });

        modelBuilder.Entity<CachedPromotion>(b =>
        {
            b.ToTable("promotions");
            b.HasKey(p => p.PromotionId);
            b.Property(p => p.Name).HasMaxLength(CartLimits.PromotionName);
        });

        modelBuilder.AddCacheRefreshTimes();
        modelBuilder.UseSnakeCaseNames();
    }
}
