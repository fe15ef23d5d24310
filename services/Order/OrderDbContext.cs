using Commerce.Order.Contracts;

namespace Commerce.Order;

public sealed class OrderDbContext(DbContextOptions<OrderDbContext> options) : DbContext(options)
{
    public const string Schema = "order";

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<CachedCustomer> Customers => Set<CachedCustomer>();

    public DbSet<CachedProduct> Products => Set<CachedProduct>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.AddCommerceMessaging();

        modelBuilder.Entity<Order>(b =>
        {
            b.HasKey(o => o.Id);
            b.Property(o => o.Status).HasConversion<string>().HasMaxLength(20);
            b.Property(o => o.Currency).HasMaxLength(3);
            b.Property(o => o.Total).HasPrecision(18, 2);
            b.Property(o => o.OrderDiscount).HasPrecision(18, 2);
            b.Property(o => o.CouponCode).HasMaxLength(OrderLimits.CouponCode);
            b.OwnsMany(o => o.Promotions, p => p.ToJson("promotions"));
            b.Property(o => o.IdempotencyKey).HasMaxLength(OrderLimits.Key);
            b.Property(o => o.Version).IsConcurrencyToken();
            // A key is the customer's own: another customer's same key is another order, never a 409 that tells them
            // the key is taken (or a repeat that answers them someone else's order).
            b.HasIndex(o => new { o.CustomerId, o.IdempotencyKey }).IsUnique();
            b.HasIndex(o => new { o.Status, o.CreatedAt });
            b.OwnsOne(o => o.BillingAddress, a => a.ToJson("billing_address"));
            b.OwnsOne(o => o.ShippingAddress, a => a.ToJson("shipping_address"));
            b.OwnsMany(o => o.Items, i =>
            {
                i.ToTable("order_items");
                i.WithOwner().HasForeignKey("OrderId");
                i.HasKey(x => x.Id);
                // Client-generated keys: a new item found through the navigation must be an INSERT, not an UPDATE.
                i.Property(x => x.Id).ValueGeneratedNever();
                i.Property(x => x.Sku).HasMaxLength(64);
                i.Property(x => x.ProductName).HasMaxLength(200);
                i.Property(x => x.UnitPrice).HasPrecision(18, 2);
                i.Property(x => x.Discount).HasPrecision(18, 2);
                i.Ignore(x => x.LineTotal);
            });
            b.OwnsMany(o => o.History, h =>
            {
                h.ToTable("order_status_history");
                h.WithOwner().HasForeignKey("OrderId");
                h.HasKey(x => x.Id);
                h.Property(x => x.Id).ValueGeneratedNever();
                h.Property(x => x.From).HasConversion<string>().HasMaxLength(20);
                h.Property(x => x.To).HasConversion<string>().HasMaxLength(20);
                h.Property(x => x.Note).HasMaxLength(OrderLimits.Text);
            });
        });

        modelBuilder.Entity<CachedCustomer>(b =>
        {
            b.ToTable("customer_cache");
            b.HasKey(c => c.CustomerId);
            b.Property(c => c.Name).HasMaxLength(200);
            b.Property(c => c.Email).HasMaxLength(320);
            b.Property(c => c.SourceVersion).HasColumnName("version");
        });

        modelBuilder.Entity<CachedProduct>(b =>
        {
            b.ToTable("product_cache");
            b.HasKey(p => p.ProductId);
            b.Property(p => p.Sku).HasMaxLength(64);
            b.Property(p => p.Name).HasMaxLength(200);
            b.Property(p => p.Price).HasPrecision(18, 2);
            b.Property(p => p.Currency).HasMaxLength(3);
            b.Property(p => p.SourceVersion).HasColumnName("version");
        });

        modelBuilder.UseSnakeCaseNames();
    }
}

internal static class OrderLimits
{
    public const int Key = 100;
    public const int CouponCode = 32;
    public const int Text = 500;
    public const int MaxItems = CreateOrderRequest.MaxItems;
    public const int MaxQuantity = 1000;
}
