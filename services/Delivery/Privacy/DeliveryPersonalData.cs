using Commerce.ServiceDefaults.Privacy;

namespace Commerce.Delivery.Privacy;

/// <summary>
/// What Delivery holds about a customer: the postal code of each shipment of their orders (it knows orders, not
/// customers). The postal code goes; the region and the point derived from it stay, coarse enough to be no one's
/// address, so planned routes keep their stops and lengths.
/// </summary>
public static class DeliveryPersonalData
{
    public static CommerceContextBuilder<DeliveryDbContext> HoldsCustomersPersonalData(this CommerceContextBuilder<DeliveryDbContext> context) => context
        .HoldsPersonalData("shipments",
            async (db, subject, ct) => await ShipmentsOf(db, subject).AsNoTracking()
                .Select(s => new { s.ShipmentId, s.OrderId, s.PostalCode, s.Country, s.Region, s.Day, s.DeliveredAt, s.RouteId, s.StopNumber })
                .ToListAsync(ct),
            (db, subject, ct) => ShipmentsOf(db, subject).Where(s => s.PostalCode != "")
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.PostalCode, ""), ct));

    private static IQueryable<DispatchShipment> ShipmentsOf(DeliveryDbContext db, DataSubject subject) =>
        db.Shipments.Where(s => subject.OrderIds.Contains(s.OrderId));
}
