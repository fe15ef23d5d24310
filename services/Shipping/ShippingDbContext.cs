using Commerce.Shipping.Carrier;
using Commerce.Shipping.Contracts;

namespace Commerce.Shipping;

public sealed class ShippingDbContext(DbContextOptions<ShippingDbContext> options) : DbContext(options)
{
    public const string Schema = "shipping";

    public DbSet<Shipment> Shipments => Set<Shipment>();

    public DbSet<TrackingEvent> TrackingEvents => Set<TrackingEvent>();

    /// <summary>Carrier webhook signatures already accepted, kept while a replay would still pass the timestamp check.</summary>
    public DbSet<AcceptedWebhookSignature> AcceptedWebhookSignatures => Set<AcceptedWebhookSignature>();

    /// <summary>The simulated carrier's own storage; nothing of Shipping's reads it (see <see cref="SimulatedCarrierParcel"/>).</summary>
    public DbSet<SimulatedCarrierParcel> SimulatedCarrierParcels => Set<SimulatedCarrierParcel>();

    /// <summary>Delivery's route and stop for each shipment it routed (a cache fed by ShipmentRouted).</summary>
    public DbSet<ShipmentRouteCopy> ShipmentRoutes => Set<ShipmentRouteCopy>();

    public DbSet<Customers.CustomerAddressCopy> CustomerAddresses => Set<Customers.CustomerAddressCopy>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.AddCommerceMessaging();

        modelBuilder.Entity<Shipment>(shipment =>
        {
            shipment.ToTable("shipments");
            shipment.HasKey(s => s.Id);
            // One shipment per order: what makes create idempotent even under concurrent requests.
            shipment.HasIndex(s => s.OrderId).IsUnique();
            shipment.Property(s => s.Carrier).HasMaxLength(50);
            shipment.Property(s => s.TrackingNumber).HasMaxLength(Limits.TrackingNumber);
            shipment.HasIndex(s => s.TrackingNumber).IsUnique();
            shipment.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
            shipment.Property(s => s.Version).IsConcurrencyToken();
            // A complex property (no key of its own); UseSnakeCaseNames does not reach its columns, hence the names.
            shipment.ComplexProperty(s => s.Address, address =>
            {
                address.Property(a => a.Recipient).HasColumnName("address_recipient").HasMaxLength(Limits.Name);
                address.Property(a => a.Line1).HasColumnName("address_line1").HasMaxLength(Limits.AddressLine);
                address.Property(a => a.Line2).HasColumnName("address_line2").HasMaxLength(Limits.AddressLine);
                address.Property(a => a.City).HasColumnName("address_city").HasMaxLength(Limits.City);
                address.Property(a => a.Region).HasColumnName("address_region").HasMaxLength(Limits.City);
                address.Property(a => a.PostalCode).HasColumnName("address_postal_code").HasMaxLength(Limits.PostalCode);
                address.Property(a => a.Country).HasColumnName("address_country").HasMaxLength(2).IsFixedLength();
            });
            shipment.OwnsMany(s => s.Items, items => items.ToJson("items"));
            shipment.HasMany(s => s.TrackingEvents).WithOne().HasForeignKey(t => t.ShipmentId);
            shipment.Navigation(s => s.TrackingEvents).AutoInclude();
        });

        modelBuilder.Entity<TrackingEvent>(tracking =>
        {
            tracking.ToTable("tracking_events");
            tracking.HasKey(t => t.Id);
            tracking.Property(t => t.Status).HasConversion<string>().HasMaxLength(20);
            tracking.Property(t => t.Location).HasMaxLength(Limits.City);
            // The carrier's event id: a redelivered webhook finds its row instead of applying twice.
            tracking.HasIndex(t => t.CarrierEventId).IsUnique();
        });

        modelBuilder.Entity<AcceptedWebhookSignature>(accepted =>
        {
            accepted.ToTable("accepted_webhook_signatures");
            // The key is what refuses a replay, also when two copies of one call arrive at once: one insert wins.
            accepted.HasKey(a => a.Signature);
            accepted.Property(a => a.Signature).HasMaxLength(64).IsFixedLength();
            // Retention deletes by this, oldest first.
            accepted.HasIndex(a => a.SignedAt);
        });

        modelBuilder.Entity<SimulatedCarrierParcel>(parcel =>
        {
            parcel.ToTable("simulated_carrier_parcels");
            parcel.HasKey(p => p.IdempotencyKey);
            parcel.Property(p => p.IdempotencyKey).HasMaxLength(200);
            parcel.Property(p => p.TrackingNumber).HasMaxLength(Limits.TrackingNumber);
            parcel.HasIndex(p => p.TrackingNumber).IsUnique();
            parcel.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
            parcel.Property(p => p.TraceParent).HasMaxLength(55);
            // The carrier's due pushes are found by this, oldest first.
            parcel.HasIndex(p => p.NextPushAt).HasFilter("next_push_at IS NOT NULL");
        });

        modelBuilder.Entity<ShipmentRouteCopy>(route =>
        {
            route.ToTable("shipment_routes");
            // One row per shipment, no foreign key: a ShipmentRouted may be applied in any order, also before anything
            // else here would look at it.
            route.HasKey(r => r.ShipmentId);
            route.Property(r => r.Region).HasMaxLength(ShipmentRouteCopy.RegionLength);
        });

        modelBuilder.Entity<Customers.CustomerAddressCopy>(address =>
        {
            address.ToTable("customer_addresses");
            address.HasKey(a => a.AddressId);
            address.HasIndex(a => a.CustomerId);
            address.Property(a => a.Recipient).HasMaxLength(200);
            address.Property(a => a.Line1).HasMaxLength(200);
            address.Property(a => a.Line2).HasMaxLength(200);
            address.Property(a => a.City).HasMaxLength(100);
            address.Property(a => a.Region).HasMaxLength(100);
            address.Property(a => a.PostalCode).HasMaxLength(20);
            address.Property(a => a.Country).HasMaxLength(2).IsFixedLength();
        });

        modelBuilder.AddCacheRefreshTimes();
        modelBuilder.UseSnakeCaseNames();
    }
}

/// <summary>
/// Delivery's placing of a shipment on a route, as its latest ShipmentRouted said. Route versions are per route, so
/// they cannot order two routes' events for one shipment: the plan's time can (<see cref="RoutedAt"/>, the event's
/// occurred-at, ties broken by route id), and the later plan wins whatever order the events arrive in.
/// </summary>
public sealed class ShipmentRouteCopy
{
    public const int RegionLength = 40;

    public required Guid ShipmentId { get; init; }

    public required Guid RouteId { get; set; }

    public required DateOnly Day { get; set; }

    public required string Region { get; set; }

    public required int StopNumber { get; set; }

    public required int Stops { get; set; }

    /// <summary>When Delivery planned the route (the ShipmentRouted event's occurred-at).</summary>
    public required DateTimeOffset RoutedAt { get; set; }
}

public sealed class Shipment
{
    public required Guid Id { get; init; }

    public required Guid OrderId { get; init; }

    public required string Carrier { get; init; }

    public required string TrackingNumber { get; init; }

    public required ShipmentStatus Status { get; set; }

    /// <summary>The address as it was when the order shipped; never updated.</summary>
    public required ShipmentAddress Address { get; init; }

    public required List<ShipmentLine> Items { get; init; }

    public List<TrackingEvent> TrackingEvents { get; init; } = [];

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public int Version { get; set; } = 1;
}

/// <summary>A carrier webhook call Shipping accepted, by its signature (see <see cref="CarrierWebhookSignature"/>).</summary>
public sealed class AcceptedWebhookSignature
{
    /// <summary>The HMAC in lowercase hex, whatever case the carrier sent it in.</summary>
    public required string Signature { get; init; }

    /// <summary>The timestamp the carrier signed; once it is outside the tolerance the timestamp check refuses a replay by itself.</summary>
    public required DateTimeOffset SignedAt { get; init; }

    public required DateTimeOffset AcceptedAt { get; init; }
}

public sealed class ShipmentAddress
{
    public required string Recipient { get; init; }

    public required string Line1 { get; init; }

    public string? Line2 { get; init; }

    public required string City { get; init; }

    public string? Region { get; init; }

    public required string PostalCode { get; init; }

    public required string Country { get; init; }
}

public sealed class ShipmentLine
{
    public required Guid ProductId { get; init; }

    public required string Sku { get; init; }

    public required int Quantity { get; init; }
}

public sealed class TrackingEvent
{
    public required Guid Id { get; init; }

    public required Guid ShipmentId { get; init; }

    public required ShipmentStatus Status { get; init; }

    public string? Location { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>Null for the label-created entry Shipping writes itself.</summary>
    public Guid? CarrierEventId { get; init; }
}

internal static class Limits
{
    public const int Name = 200;
    public const int AddressLine = 200;
    public const int City = 100;
    public const int PostalCode = 20;
    public const int TrackingNumber = 50;
    public const int Sku = 64;
    public const int Items = CreateShipmentRequest.MaxItems;
    public const int Quantity = 10_000;
}
