using Commerce.ServiceDefaults.Privacy;
using Commerce.Shipping.Shipments;

namespace Commerce.Shipping.Privacy;

/// <summary>
/// What Shipping holds about a customer: the address snapshot on each shipment of their orders (Shipping knows
/// orders, not customers: the orders come with the request). The shipment stays (carrier, tracking number, items,
/// tracking history), addressed to nobody but its country. Its copies of the customer's saved shipping addresses are
/// blanked the same way.
/// </summary>
public static class ShippingPersonalData
{
    public const string ErasedRecipient = "Erased";

    public static CommerceContextBuilder<ShippingDbContext> HoldsCustomersPersonalData(this CommerceContextBuilder<ShippingDbContext> context) => context
        .HoldsPersonalData("shipments",
            async (db, subject, ct) => (await ShipmentsOf(db, subject).AsNoTracking().ToListAsync(ct))
                .Select(s => ShipmentEndpoints.ToResponse(s)).ToList(),
            (db, subject, ct) => ShipmentsOf(db, subject).Where(s => s.Address.Recipient != ErasedRecipient).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Address.Recipient, ErasedRecipient)
                .SetProperty(x => x.Address.Line1, "")
                .SetProperty(x => x.Address.Line2, (string?)null)
                .SetProperty(x => x.Address.City, "")
                .SetProperty(x => x.Address.Region, (string?)null)
                .SetProperty(x => x.Address.PostalCode, ""), ct))
        .HoldsPersonalData("address-cache",
            async (db, subject, ct) => await db.CustomerAddresses.AsNoTracking().Where(a => a.CustomerId == subject.CustomerId).ToListAsync(ct)
                is { Count: > 0 } addresses ? addresses : null,
            // Blanked, not deleted: each copy keeps its version, so an older event delivered late cannot refill it.
            (db, subject, ct) => db.CustomerAddresses.Where(a => a.CustomerId == subject.CustomerId && a.Recipient != ErasedRecipient)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Recipient, ErasedRecipient).SetProperty(a => a.Line1, "")
                    .SetProperty(a => a.Line2, (string?)null).SetProperty(a => a.City, "").SetProperty(a => a.Region, (string?)null)
                    .SetProperty(a => a.PostalCode, ""), ct));

    private static IQueryable<Shipment> ShipmentsOf(ShippingDbContext db, DataSubject subject) =>
        db.Shipments.Where(s => subject.OrderIds.Contains(s.OrderId));
}
