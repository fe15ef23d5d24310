namespace Commerce.Seller;

public sealed class SellerDbContext(DbContextOptions<SellerDbContext> options) : DbContext(options)
{
    public const string Schema = "seller";

    public DbSet<SellerProfile> Sellers => Set<SellerProfile>();

    public DbSet<ProductCopy> Products => Set<ProductCopy>();

    public DbSet<LowStockRow> LowStock => Set<LowStockRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.AddCommerceMessaging();

        modelBuilder.Entity<SellerProfile>(b =>
        {
            b.ToTable("sellers");
            b.HasKey(s => s.Id);
            // One seller per account: the registration check's race is settled here.
            b.HasIndex(s => s.AccountId).IsUnique();
            b.Property(s => s.DisplayName).HasMaxLength(SellerLimits.DisplayName);
            b.Property(s => s.ContactEmail).HasMaxLength(SellerLimits.Email);
            b.Property(s => s.ContactPhone).HasMaxLength(SellerLimits.Phone);
            b.Property(s => s.Description).HasMaxLength(SellerLimits.Description);
            b.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
            b.Property(s => s.SuspensionReason).HasMaxLength(SellerLimits.Reason);
            b.Property(s => s.Version).IsConcurrencyToken();
            b.Ignore(s => s.State);
            // The operators' listing, newest first, optionally by status.
            b.HasIndex(s => new { s.Status, s.RegisteredAt });
            b.HasIndex(s => s.RegisteredAt);
        });

        modelBuilder.Entity<ProductCopy>(b =>
        {
            b.ToTable("product_copies");
            b.HasKey(p => p.ProductId);
            b.Property(p => p.Sku).HasMaxLength(SellerLimits.Sku);
            b.Property(p => p.Name).HasMaxLength(SellerLimits.ProductName);
            b.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
            // Inventory's alerts name a SKU.
            b.HasIndex(p => p.Sku);
        });

        modelBuilder.Entity<LowStockRow>(b =>
        {
            b.ToTable("low_stock");
            b.HasKey(l => new { l.Sku, l.Warehouse });
            b.Property(l => l.Sku).HasMaxLength(SellerLimits.Sku);
            b.Property(l => l.Warehouse).HasMaxLength(SellerLimits.Warehouse);
            b.Property(l => l.ProductName).HasMaxLength(SellerLimits.ProductName);
            // A seller's list: its rows that are low.
            b.HasIndex(l => l.SellerId).HasFilter("is_low");
        });

        modelBuilder.AddCacheRefreshTimes();
        modelBuilder.UseSnakeCaseNames();
    }
}

internal static class SellerLimits
{
    public const int DisplayName = 100;
    public const int Email = 254;
    public const int Phone = 30;
    public const int Description = 2000;
    public const int Reason = 500;
    public const int Sku = 64;
    public const int ProductName = 200;
    public const int Warehouse = 64;
    public const int PageSize = 50;
    public const int PageSizeMax = 200;
}
