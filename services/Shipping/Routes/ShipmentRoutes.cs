using Commerce.Delivery.Contracts;
using Commerce.Shipping.Contracts;

namespace Commerce.Shipping.Routes;

/// <summary>Delivery's routes as Shipping shows them on a shipment (its tracking view).</summary>
public static class ShipmentRoutes
{
    /// <summary>
    /// Caches where Delivery put the shipment. One guarded upsert: the copy is replaced only by a later plan's event
    /// (occurred-at, then route id, so two routes planned at the same instant still converge on one), whatever order the
    /// events arrive in, and a redelivery changes nothing. A route announces its stops as successive versions of the
    /// route, so the handler is registered to see every version: the inbox's stale check, per route, would drop stop 3
    /// arriving after stop 7.
    /// </summary>
    internal static async Task ApplyAsync(IncomingEvent<ShipmentRouted> incoming, ShippingDbContext db, CancellationToken cancellationToken)
    {
        var e = incoming.Event;
        if (e.Region.Length > ShipmentRouteCopy.RegionLength || e.StopNumber < 1 || e.Stops < e.StopNumber)
        {
            incoming.Services.GetRequiredService<ILogger<ShippingDbContext>>().LogWarning(
                "Ignored ShipmentRouted {EventId} for shipment {ShipmentId}: stop {Stop} of {Stops} in a region of {Length} characters",
                incoming.EventId, e.ShipmentId, e.StopNumber, e.Stops, e.Region.Length);
            return;
        }

        await db.Database.ExecuteSqlAsync(
            $"""
             INSERT INTO shipping.shipment_routes AS current (shipment_id, route_id, day, region, stop_number, stops, routed_at)
             VALUES ({e.ShipmentId}, {e.RouteId}, {e.Day}, {e.Region}, {e.StopNumber}, {e.Stops}, {incoming.OccurredAt})
             ON CONFLICT (shipment_id) DO UPDATE SET
                 route_id = excluded.route_id, day = excluded.day, region = excluded.region,
                 stop_number = excluded.stop_number, stops = excluded.stops, routed_at = excluded.routed_at
             WHERE (current.routed_at, current.route_id) < (excluded.routed_at, excluded.route_id)
             """,
            cancellationToken);
    }

    internal static async Task<ShipmentStop?> StopOfAsync(ShippingDbContext db, Guid shipmentId, CancellationToken cancellationToken) =>
        await db.ShipmentRoutes.AsNoTracking()
            .Where(r => r.ShipmentId == shipmentId)
            .Select(r => new ShipmentStop(r.RouteId, r.Day, r.Region, r.StopNumber, r.Stops))
            .FirstOrDefaultAsync(cancellationToken);
}
