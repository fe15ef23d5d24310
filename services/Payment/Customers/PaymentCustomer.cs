using Commerce.Customer.Contracts;
using Commerce.Payment.Contracts;

namespace Commerce.Payment.Customers;

/// <summary>
/// Payment's copy of a customer's billing name and e-mail (from Customer's events, whole state each time), shown on
/// the customer's payments so a payment can be matched to the card holder without asking Customer.
/// </summary>
public sealed class PaymentCustomer : ICachedCopy
{
    public required Guid CustomerId { get; init; }

    public required string Name { get; set; }

    public required string Email { get; set; }

    public required int SourceVersion { get; set; }
}

/// <summary>Keeps <see cref="PaymentCustomer"/> at Customer's latest state, whatever order its events arrive in.</summary>
internal static class PaymentCustomers
{
    public static CommerceContextBuilder<PaymentDbContext> HandleCustomerEvents(this CommerceContextBuilder<PaymentDbContext> context) => context
        .HandleEvent<CustomerRegistered>("Customer", (e, db, ct) => ApplyAsync(db, e.Event.CustomerId, e.Event.Name, e.Event.Email, e.AggregateVersion, ct))
        .HandleEvent<CustomerProfileUpdated>("Customer", (e, db, ct) => ApplyAsync(db, e.Event.CustomerId, e.Event.Name, e.Event.Email, e.AggregateVersion, ct))
        .KeepCachedCopies<PaymentCustomer>("the billing name of the customer's payments, kept with them (erasure removes it)");

    /// <summary>The billing details of the given customers that Payment has cached, by customer id.</summary>
    public static async Task<Dictionary<Guid, PaymentCustomerResponse>> BillingOfAsync(
        this PaymentDbContext db, IEnumerable<Guid> customerIds, CancellationToken cancellationToken)
    {
        var ids = customerIds.Distinct().ToList();
        return await db.Customers.AsNoTracking().Where(c => ids.Contains(c.CustomerId))
            .ToDictionaryAsync(c => c.CustomerId, c => new PaymentCustomerResponse(c.Name, c.Email), cancellationToken);
    }

    private static Task<bool> ApplyAsync(PaymentDbContext db, Guid id, string name, string email, int version, CancellationToken ct) =>
        db.ApplyAsync<PaymentCustomer>(
            c => c.CustomerId == id,
            version,
            () => new PaymentCustomer { CustomerId = id, Name = name, Email = email, SourceVersion = version },
            s => s.SetProperty(c => c.Name, name).SetProperty(c => c.Email, email),
            ct);
}
