using Commerce.Customer.Contracts;
using Commerce.ServiceDefaults.Security;
using Commerce.Shipping.Carrier;
using Commerce.Shipping.Contracts;

namespace Commerce.Shipping.Customers;

/// <summary>
/// Shipping's copy of one of a customer's shipping addresses (from Customer's CustomerAddressAdded), so a customer can
/// see before checkout which of their addresses the carrier serves. Billing addresses are not copied: Shipping never
/// ships to them.
/// </summary>
public sealed class CustomerAddressCopy : ICachedCopy
{
    public required Guid AddressId { get; init; }

    public required Guid CustomerId { get; init; }

    public required string Recipient { get; set; }

    public required string Line1 { get; set; }

    public string? Line2 { get; set; }

    public required string City { get; set; }

    public string? Region { get; set; }

    public required string PostalCode { get; set; }

    public required string Country { get; set; }

    public required int SourceVersion { get; set; }
}

public static class CustomerAddresses
{
    /// <summary>
    /// Every CustomerAddressAdded is applied, not only the customer's newest version: each adds another address, so
    /// the inbox's per-customer stale check would drop an earlier address arriving after a later one. Each address is
    /// its own copy, replaced whole by the newest version that carried it, so duplicates and reordering converge.
    /// </summary>
    internal static CommerceContextBuilder<ShippingDbContext> HandleCustomerEvents(this CommerceContextBuilder<ShippingDbContext> context) => context
        .HandleEvent<CustomerRegistered>("Customer", async (e, db, ct) =>
        {
            foreach (var address in e.Event.Addresses ?? [])
            {
                await ApplyAsync(db, e.Event.CustomerId, address, e.AggregateVersion, ct);
            }
        }, ignoreStaleVersions: false)
        .HandleEvent<CustomerAddressAdded>("Customer", (e, db, ct) => ApplyAsync(db, e.Event.CustomerId, e.Event.Address, e.AggregateVersion, ct),
            ignoreStaleVersions: false)
        .KeepCachedCopies<CustomerAddressCopy>("the address book Shipping serves has no other source; addresses are never removed, only erased with their customer");

    public static RouteGroupBuilder MapCustomerAddresses(this RouteGroupBuilder shipments)
    {
        // A customer's own addresses only (another customer's answer 404); operators read anyone's.
        shipments.MapGet("/customers/{customerId:guid}/addresses", ListAsync).WithName("ListCustomerShippingAddresses")
            .RequireAuthorization(Access.Customers).ProducesProblems(404);
        return shipments;
    }

    internal static async Task<Results<Ok<List<CustomerShippingAddressResponse>>, ProblemHttpResult>> ListAsync(
        Guid customerId, Caller caller, ShippingDbContext db, ICarrier carrier, CancellationToken cancellationToken)
    {
        if (!caller.MayActFor(customerId))
        {
            return Problems.NotFound($"No customer {customerId}.");
        }

        var addresses = await db.CustomerAddresses.AsNoTracking()
            .Where(a => a.CustomerId == customerId)
            .OrderBy(a => a.SourceVersion).ThenBy(a => a.AddressId)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(addresses.Select(a => new CustomerShippingAddressResponse(
            a.AddressId, a.Recipient, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country, carrier.Serves(a.Country, a.PostalCode))).ToList());
    }

    private static async Task ApplyAsync(ShippingDbContext db, Guid customerId, AddressResponse a, int version, CancellationToken ct)
    {
        if (a.Kind != AddressKind.Shipping)
        {
            return;
        }

        await db.ApplyAsync<CustomerAddressCopy>(
            c => c.AddressId == a.Id,
            version,
            () => new CustomerAddressCopy
            {
                AddressId = a.Id,
                CustomerId = customerId,
                Recipient = a.Recipient,
                Line1 = a.Line1,
                Line2 = a.Line2,
                City = a.City,
                Region = a.Region,
                PostalCode = a.PostalCode,
                Country = a.Country,
                SourceVersion = version,
            },
            s => s.SetProperty(c => c.Recipient, a.Recipient).SetProperty(c => c.Line1, a.Line1).SetProperty(c => c.Line2, a.Line2)
                .SetProperty(c => c.City, a.City).SetProperty(c => c.Region, a.Region).SetProperty(c => c.PostalCode, a.PostalCode)
                .SetProperty(c => c.Country, a.Country),
            ct);
    }
}
