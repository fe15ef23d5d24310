using Commerce.DataSubjects.Contracts;
using Commerce.Seller.Contracts;

namespace Commerce.Seller.Privacy;

/// <summary>
/// What Seller holds about a customer: the profile of the seller their account runs, whose contact (e-mail,
/// phone) is theirs. The shop's display name and description are the business's, shown on its products and
/// reviews: they stay, as do its products.
/// </summary>
public static class SellerPersonalData
{
    public static CommerceContextBuilder<SellerDbContext> HoldsCustomersPersonalData(this CommerceContextBuilder<SellerDbContext> context) => context
        // The seller's contact may differ from the account's own e-mail: events and caches elsewhere carry it too.
        .IdentifiesDataSubjects(async (db, customerId, ct) =>
            new DataSubjectKeys([], [.. (await db.Sellers.AsNoTracking().Where(s => s.AccountId == customerId)
                    .Select(s => new { s.ContactEmail, s.ContactPhone }).ToListAsync(ct))
                .SelectMany(s => new[] { s.ContactEmail, s.ContactPhone }).OfType<string>().Where(s => !IsErased(s))]))
        .HoldsPersonalData("seller-profile",
            async (db, subject, ct) => await db.Sellers.AsNoTracking().Where(s => s.AccountId == subject.CustomerId)
                .Select(s => s.ToResponse()).FirstOrDefaultAsync(ct),
            async (db, subject, ct) =>
            {
                var seller = await db.Sellers.FirstOrDefaultAsync(s => s.AccountId == subject.CustomerId, ct);
                if (seller is null || (IsErased(seller.ContactEmail) && seller.ContactPhone is null))
                {
                    return 0;
                }

                // An address with no mailbox, unique per seller; announced, so Notification's and Customer's copies follow.
                seller.ContactEmail = $"erased-{seller.Id:N}@erased.invalid";
                seller.ContactPhone = null;
                var now = subject.Services.GetRequiredService<TimeProvider>().GetUtcNow();
                seller.UpdatedAt = now;
                seller.Version++;
                db.AddEvent(new SellerProfileUpdated(seller.Id, seller.State), seller.Id, seller.Version, now);
                return 1;
            });

    private static bool IsErased(string email) => email.EndsWith("@erased.invalid", StringComparison.Ordinal);
}
