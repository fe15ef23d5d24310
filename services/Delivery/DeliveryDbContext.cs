using Commerce.Delivery.Routing;

namespace Commerce.Delivery;

public sealed class DeliveryDbContext(DbContextOptions<DeliveryDbContext> options) : DbContext(options)
{
    public const string Schema = "delivery";

    /// <summary>Shipping's shipments as Delivery routes them (from ShipmentCreated and ShipmentDelivered).</summary>
    public DbSet<DispatchShipment> Shipments => Set<DispatchShipment>();

    public DbSet<DeliveryRoute> Routes => Set<DeliveryRoute>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.AddCommerceMessaging();

        modelBuilder.Entity<DispatchShipment>(shipment =>
        {
            shipment.ToTable("shipments");
            shipment.HasKey(s => s.ShipmentId);
            shipment.Property(s => s.PostalCode).HasMaxLength(DispatchShipment.PostalCodeLength);
            shipment.Property(s => s.Country).HasMaxLength(2).IsFixedLength();
            shipment.Property(s => s.Region).HasMaxLength(PostalGeometry.RegionLength);
            // What a plan looks for: a day's shipments on no route yet, in the order they arrived.
            shipment.HasIndex(s => new { s.Day, s.ReceivedAt }).HasFilter("route_id IS NULL AND delivered_at IS NULL");
            shipment.HasIndex(s => new { s.RouteId, s.StopNumber });
        });

        modelBuilder.Entity<DeliveryRoute>(route =>
        {
            route.ToTable("routes");
            route.HasKey(r => r.Id);
            route.Property(r => r.Region).HasMaxLength(PostalGeometry.RegionLength);
            route.Property(r => r.Version).IsConcurrencyToken();
            route.HasIndex(r => new { r.Day, r.Region });
        });

        modelBuilder.AddCacheRefreshTimes();
        modelBuilder.UseSnakeCaseNames();
    }
}

/// <summary>
/// A shipment to dispatch: Shipping's facts (its order, where it goes, when it was created: its dispatch day) cached at
/// Shipping's version, and Delivery's own (its routing region and coordinates, its route and stop once planned).
/// </summary>
public sealed class DispatchShipment : ICachedCopy
{
    public const int PostalCodeLength = 20;

    public required Guid ShipmentId { get; init; }

    public required Guid OrderId { get; set; }

    public required string PostalCode { get; set; }

    public required string Country { get; set; }

    /// <summary>Country and postal district (<see cref="PostalGeometry.RegionOf"/>): the shipments a route may mix.</summary>
    public required string Region { get; set; }

    /// <summary>Where <see cref="PostalCode"/> lies on the country's plane, in km (<see cref="PostalGeometry.Locate"/>).</summary>
    public required double X { get; set; }

    public required double Y { get; set; }

    /// <summary>The UTC date Shipping created the shipment: the day it is routed on.</summary>
    public required DateOnly Day { get; set; }

    /// <summary>When Shipping created it: the naive route order a plan is compared with.</summary>
    public required DateTimeOffset ReceivedAt { get; set; }

    /// <summary>Done: delivered shipments are never routed (one already on a route stays there).</summary>
    public DateTimeOffset? DeliveredAt { get; set; }

    public Guid? RouteId { get; set; }

    public int? StopNumber { get; set; }

    public int SourceVersion { get; set; }
}

/// <summary>One vehicle's tour through a region's stops on a day; its stops are the shipments carrying its id.</summary>
public sealed class DeliveryRoute
{
    public required Guid Id { get; init; }

    public required DateOnly Day { get; init; }

    public required string Region { get; init; }

    public required int Stops { get; init; }

    public required double LengthKm { get; init; }

    public required double NaiveLengthKm { get; init; }

    public required DateTimeOffset PlannedAt { get; init; }

    /// <summary>Stop k's ShipmentRouted is version k of the route, so a planned route is at version <see cref="Stops"/>; it never changes after.</summary>
    public int Version { get; set; } = 1;
}
