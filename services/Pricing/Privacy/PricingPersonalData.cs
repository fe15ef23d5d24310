namespace Commerce.Pricing.Privacy;

/// <summary>
/// What Pricing holds about a customer: the quotes it gave them (amounts only; the order that used one keeps its own
/// amounts) and its cache of their membership level.
/// </summary>
public static class PricingPersonalData
{
    public static CommerceContextBuilder<PricingDbContext> HoldsCustomersPersonalData(this CommerceContextBuilder<PricingDbContext> context) => context
        .HoldsPersonalData("quotes",
            async (db, subject, ct) => await db.Quotes.AsNoTracking().Where(q => q.CustomerId == subject.CustomerId)
                .Select(q => new { q.Id, q.Currency, q.Subtotal, q.ExpiresAt }).ToListAsync(ct),
            (db, subject, ct) => db.Quotes.Where(q => q.CustomerId == subject.CustomerId).ExecuteDeleteAsync(ct))
        .HoldsPersonalData("membership-cache",
            async (db, subject, ct) => await db.Memberships.AsNoTracking().Where(m => m.CustomerId == subject.CustomerId)
                .Select(m => new { m.Membership }).FirstOrDefaultAsync(ct),
            (db, subject, ct) => db.Memberships.Where(m => m.CustomerId == subject.CustomerId).ExecuteDeleteAsync(ct));
}
