using Commerce.Customer.Contracts;
using Commerce.Customer.Profiles;
using Commerce.DataSubjects.Contracts;
using Commerce.ServiceDefaults.Privacy;
using OpenIddict.EntityFrameworkCore.Models;

namespace Commerce.Customer.Privacy;

/// <summary>
/// What Customer holds about a customer: their profile and addresses, and their sign-in (credential, issued tokens).
/// Customer is also where the customer's personal strings come from, for every other context's erasure.
/// </summary>
public static class CustomerPersonalData
{
    /// <summary>The name an erased profile keeps: the row stays (its id is what every kept order and payment points to).</summary>
    public const string ErasedName = "Erased customer";

    public static CommerceContextBuilder<CustomerDbContext> HoldsCustomersPersonalData(this CommerceContextBuilder<CustomerDbContext> context) => context
        .IdentifiesDataSubjects(async (db, customerId, ct) =>
        {
            var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == customerId, ct);
            // City, region and country are shared by far too many people to find this one's data by.
            return customer is null
                ? DataSubjectKeys.None
                : new DataSubjectKeys([], [.. new[] { customer.Name, customer.Email, customer.Phone }
                    .Concat(customer.Addresses.SelectMany(a => new[] { a.Recipient, a.Line1, a.Line2, a.PostalCode }))
                    .OfType<string>().Where(s => s != ErasedName).Distinct(StringComparer.OrdinalIgnoreCase)]);
        })
        .HoldsPersonalData("profile",
            async (db, subject, ct) => await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == subject.CustomerId, ct) is { } customer
                ? CustomerEndpoints.ToResponse(customer)
                : null,
            EraseProfileAsync)
        .HoldsPersonalData("sign-in",
            async (db, subject, ct) => await db.Users.AsNoTracking().Where(u => u.Id == subject.CustomerId)
                .Select(u => new { u.UserName, u.Email, u.LockoutEnd, u.AccessFailedCount }).FirstOrDefaultAsync(ct),
            async (db, subject, ct) =>
            {
                // The credential goes (its claims, logins and tokens with it, by cascade): the customer can no longer
                // sign in; the tokens the token server issued them, refresh tokens included, are revoked by going too.
                var subjectId = subject.CustomerId.ToString();
                var tokens = await db.Set<OpenIddictEntityFrameworkCoreToken<Guid>>().Where(t => t.Subject == subjectId).ExecuteDeleteAsync(ct);
                var authorizations = await db.Set<OpenIddictEntityFrameworkCoreAuthorization<Guid>>().Where(a => a.Subject == subjectId).ExecuteDeleteAsync(ct);
                return tokens + authorizations + await db.Users.Where(u => u.Id == subject.CustomerId).ExecuteDeleteAsync(ct);
            })
        // The requests stay (that they were made and answered is the shop's record); an access document is the data itself.
        .HoldsPersonalData("data-requests",
            async (db, subject, ct) => await db.DataRequests.AsNoTracking().Where(r => r.CustomerId == subject.CustomerId)
                .OrderBy(r => r.RequestedAt).Select(r => new { r.Id, r.Kind, r.Status, r.RequestedAt, r.CompletedAt }).ToListAsync(ct),
            (db, subject, ct) => db.DataRequests.Where(r => r.CustomerId == subject.CustomerId && r.Document != null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Document, (string?)null), ct))
        // Copies of what Payment and Promotion know: the customer's cards, purchase totals and coupon uses. Payment and
        // Promotion keep the records accounting needs; these copies only served the profile, which is gone.
        .HoldsPersonalData("saved-cards",
            async (db, subject, ct) => await db.SavedCards.AsNoTracking().Where(c => c.CustomerId == subject.CustomerId).ToListAsync(ct),
            (db, subject, ct) => db.SavedCards.Where(c => c.CustomerId == subject.CustomerId).ExecuteDeleteAsync(ct))
        .HoldsPersonalData("purchase-totals",
            async (db, subject, ct) => await db.PaymentAmounts.AsNoTracking().Where(a => a.CustomerId == subject.CustomerId).ToListAsync(ct),
            (db, subject, ct) => db.PaymentAmounts.Where(a => a.CustomerId == subject.CustomerId).ExecuteDeleteAsync(ct))
        .HoldsPersonalData("coupon-uses",
            async (db, subject, ct) => await db.CouponUses.AsNoTracking().Where(c => c.CustomerId == subject.CustomerId).ToListAsync(ct),
            (db, subject, ct) => db.CouponUses.Where(c => c.CustomerId == subject.CustomerId).ExecuteDeleteAsync(ct));

    /// <summary>
    /// Anonymises the profile and deletes its addresses; a live customer becomes Deleted and CustomerDeleted is published
    /// (as DELETE /customers/{id} does), so every subscriber forgets its copy of them too.
    /// </summary>
    private static async Task<int> EraseProfileAsync(CustomerDbContext db, DataSubject subject, CancellationToken cancellationToken)
    {
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == subject.CustomerId, cancellationToken);
        if (customer is null || (customer.Name == ErasedName && customer.Addresses.Count == 0 && customer.Phone is null))
        {
            return 0;
        }

        var now = subject.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var erased = 1 + customer.Addresses.Count;
        customer.Name = ErasedName;
        // Unique among live customers only, and no mailbox: the address a new account may take again.
        customer.Email = customer.NormalizedEmail = $"erased-{customer.Id:N}@erased.invalid";
        customer.Phone = null;
        customer.SuspensionReason = null;
        customer.NotificationChannels = [];
        db.RemoveRange(customer.Addresses);
        customer.Addresses.Clear();
        customer.UpdatedAt = now;
        customer.Version++;
        if (customer.Status != CustomerStatus.Deleted)
        {
            customer.Status = CustomerStatus.Deleted;
            customer.DeletedAt = now;
            db.AddEvent(new CustomerDeleted(customer.Id), customer.Id, customer.Version, now);
        }

        return erased;
    }
}
