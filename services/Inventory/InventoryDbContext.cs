using Commerce.Inventory.Contracts;
using Commerce.Inventory.Products;

namespace Commerce.Inventory;

public sealed class InventoryDbContext(DbContextOptions<InventoryDbContext> options) : DbContext(options)
{
    public const string Schema = "inventory";

    public DbSet<StockItem> StockItems => Set<StockItem>();

    public DbSet<StockMovement> StockMovements => Set<StockMovement>();

    public DbSet<Reservation> Reservations => Set<Reservation>();

    public DbSet<ReservationLine> ReservationLines => Set<ReservationLine>();

    public DbSet<ProductCopy> Products => Set<ProductCopy>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.AddCommerceMessaging();

        modelBuilder.Entity<StockItem>(b =>
        {
            b.HasKey(s => new { s.Sku, s.Warehouse });
            b.Property(s => s.Sku).HasMaxLength(InventoryLimits.Sku);
            b.Property(s => s.Warehouse).HasMaxLength(InventoryLimits.Warehouse);
            b.Property(s => s.Version).IsConcurrencyToken();
            b.ToTable(t =>
            {
                t.HasCheckConstraint("ck_stock_items_on_hand", "on_hand >= 0");
                t.HasCheckConstraint("ck_stock_items_on_hand_max", $"on_hand <= {InventoryLimits.MaxOnHand}");
                t.HasCheckConstraint("ck_stock_items_reserved", "reserved >= 0 AND reserved <= on_hand");
                t.HasCheckConstraint("ck_stock_items_reorder_point", "reorder_point >= 0");
            });
        });

        modelBuilder.Entity<StockMovement>(b =>
        {
            b.HasKey(m => m.Id);
            b.Property(m => m.Sku).HasMaxLength(InventoryLimits.Sku);
            b.Property(m => m.Warehouse).HasMaxLength(InventoryLimits.Warehouse);
            b.Property(m => m.Kind).HasConversion<string>().HasMaxLength(20);
            b.Property(m => m.Reason).HasMaxLength(InventoryLimits.Text);
            b.Property(m => m.Reference).HasMaxLength(InventoryLimits.Text);
            b.HasIndex(m => new { m.Sku, m.OccurredAt });
        });

        modelBuilder.Entity<Reservation>(b =>
        {
            b.HasKey(r => r.Key);
            b.Property(r => r.Key).HasMaxLength(InventoryLimits.Key);
            b.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
            b.Property(r => r.Version).IsConcurrencyToken();
            b.HasMany(r => r.Lines).WithOne().HasForeignKey(l => l.ReservationKey);
            b.HasIndex(r => r.ExpiresAt).HasFilter("status = 'Active'");
        });

        modelBuilder.Entity<ReservationLine>(b =>
        {
            b.HasKey(l => l.Id);
            b.Property(l => l.ReservationKey).HasMaxLength(InventoryLimits.Key);
            b.Property(l => l.Sku).HasMaxLength(InventoryLimits.Sku);
            b.Property(l => l.Warehouse).HasMaxLength(InventoryLimits.Warehouse);
        });

        modelBuilder.Entity<ProductCopy>(b =>
        {
            b.ToTable("products");
            b.HasKey(p => p.ProductId);
            b.Property(p => p.Sku).HasMaxLength(InventoryLimits.Sku);
            b.Property(p => p.Name).HasMaxLength(200);
            b.HasIndex(p => p.Sku);
        });

        modelBuilder.AddCacheRefreshTimes();
        modelBuilder.UseSnakeCaseNames();
    }
}

internal static class InventoryLimits
{
    public const int Sku = 64;
    public const int Warehouse = 32;
    public const int Key = 100;
    public const int Text = 500;
    public const int MaxQuantity = 1_000_000;

    /// <summary>
    /// On hand of one SKU in one warehouse, at most (a CHECK constraint backs it): far above any real stock, far below
    /// int.MaxValue, so a receipt or an adjustment that would pass it is refused (422) instead of overflowing.
    /// Figures across warehouses are summed as long.
    /// </summary>
    public const int MaxOnHand = 1_000_000_000;
    public const int MaxLines = ReserveStockRequest.MaxLines;
}
