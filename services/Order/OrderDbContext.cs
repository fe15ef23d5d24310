using Commerce.Order.Caches;
using Commerce.Order.Contracts;

namespace Commerce.Order;

public sealed class OrderDbContext(DbContextOptions<OrderDbContext> options) : DbContext(options)
{
    public const string Schema = "order";

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<CachedCustomer> Customers => Set<CachedCustomer>();

    public DbSet<CachedProduct> Products => Set<CachedProduct>();

    public DbSet<CachedAddress> Addresses => Set<CachedAddress>();

    public DbSet<CachedReservation> Reservations => Set<CachedReservation>();

    public DbSet<CachedPayment> Payments => Set<CachedPayment>();

    public DbSet<CachedShipment> Shipments => Set<CachedShipment>();

    public DbSet<CachedCampaign> Campaigns => Set<CachedCampaign>();

    public DbSet<CachedCouponUse> CouponUses => Set<CachedCouponUse>();

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

        modelBuilder.Entity<CachedAddress>(b =>
        {
            b.ToTable("address_cache");
            b.HasKey(a => a.AddressId);
            b.Property(a => a.AddressId).ValueGeneratedNever();
            b.Property(a => a.Kind).HasConversion<string>().HasMaxLength(20);
            b.Property(a => a.Recipient).HasMaxLength(200);
            b.Property(a => a.Line1).HasMaxLength(200);
            b.Property(a => a.Line2).HasMaxLength(200);
            b.Property(a => a.City).HasMaxLength(100);
            b.Property(a => a.Region).HasMaxLength(100);
            b.Property(a => a.PostalCode).HasMaxLength(20);
            b.Property(a => a.Country).HasMaxLength(2);
            b.Property(a => a.SourceVersion).HasColumnName("version");
            b.HasIndex(a => a.CustomerId);
        });

        modelBuilder.Entity<CachedReservation>(b =>
        {
            b.ToTable("reservation_cache");
            b.HasKey(r => r.Key);
            b.Property(r => r.Key).HasMaxLength(200);
            b.Property(r => r.Status).HasMaxLength(20);
            b.Property(r => r.SourceVersion).HasColumnName("version");
            b.HasIndex(r => r.OrderId);
        });

        modelBuilder.Entity<CachedPayment>(b =>
        {
            b.ToTable("payment_cache");
            b.HasKey(p => p.PaymentId);
            b.Property(p => p.PaymentId).ValueGeneratedNever();
            b.Property(p => p.Status).HasMaxLength(20);
            b.Property(p => p.Amount).HasPrecision(18, 2);
            b.Property(p => p.Refunded).HasPrecision(18, 2);
            b.Property(p => p.Currency).HasMaxLength(3);
            b.Property(p => p.SourceVersion).HasColumnName("version");
            b.HasIndex(p => p.OrderId);
        });

        modelBuilder.Entity<CachedShipment>(b =>
        {
            b.ToTable("shipment_cache");
            b.HasKey(s => s.ShipmentId);
            b.Property(s => s.ShipmentId).ValueGeneratedNever();
            b.Property(s => s.Carrier).HasMaxLength(100);
            b.Property(s => s.TrackingNumber).HasMaxLength(100);
            b.Property(s => s.Status).HasMaxLength(20);
            b.Property(s => s.Location).HasMaxLength(200);
            b.Property(s => s.SourceVersion).HasColumnName("version");
            b.HasIndex(s => s.OrderId);
        });

        modelBuilder.Entity<CachedCampaign>(b =>
        {
            b.ToTable("campaign_cache");
            b.HasKey(c => c.PromotionId);
            b.Property(c => c.PromotionId).ValueGeneratedNever();
            b.Property(c => c.Name).HasMaxLength(200);
            b.Property(c => c.SourceVersion).HasColumnName("version");
        });

        modelBuilder.Entity<CachedCouponUse>(b =>
        {
            b.ToTable("coupon_use_cache");
            b.HasKey(c => c.Key);
            b.Property(c => c.Key).HasMaxLength(200);
            b.Property(c => c.Code).HasMaxLength(OrderLimits.CouponCode);
            b.Property(c => c.Status).HasMaxLength(20);
            b.Property(c => c.SourceVersion).HasColumnName("version");
            b.HasIndex(c => c.OrderId);
        });

        modelBuilder.AddCacheRefreshTimes();
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
