namespace Commerce.Promotion.Privacy;

/// <summary>
/// What Promotion holds about a customer: their redemptions (discounts given on their orders), coupons issued to
/// them alone (win-back) and its cache of their membership level. None holds a name or address. Redemptions keep
/// the customer's id: they are accounting records of discounts given, and per-customer coupon limits count by it; with
/// the profile erased the id is a pseudonym that leads nowhere.
/// </summary>
public static class PromotionPersonalData
{
    public static CommerceContextBuilder<PromotionDbContext> HoldsCustomersPersonalData(this CommerceContextBuilder<PromotionDbContext> context) => context
        .HoldsPersonalData("redemptions",
            async (db, subject, ct) => (await db.Redemptions.AsNoTracking().Where(r => r.CustomerId == subject.CustomerId)
                .OrderBy(r => r.ClaimedAt).ToListAsync(ct)).Select(r => r.ToResponse()).ToList(),
            (_, _, _) => Task.FromResult(0))
        .HoldsPersonalData("coupons",
            async (db, subject, ct) => (await db.Coupons.AsNoTracking().Where(c => c.CustomerId == subject.CustomerId)
                .OrderBy(c => c.CreatedAt).ToListAsync(ct)).Select(c => c.ToResponse()).ToList(),
            // A personal coupon nobody used is an offer to nobody now; a used one is part of a redemption's record.
            (db, subject, ct) => db.Coupons.Where(c => c.CustomerId == subject.CustomerId && c.Used == 0).ExecuteDeleteAsync(ct))
        .HoldsPersonalData("customer-tier",
            async (db, subject, ct) => await db.CustomerTiers.AsNoTracking().Where(t => t.CustomerId == subject.CustomerId)
                .Select(t => new { t.Membership, t.UpdatedAt }).FirstOrDefaultAsync(ct),
            (db, subject, ct) => db.CustomerTiers.Where(t => t.CustomerId == subject.CustomerId).ExecuteDeleteAsync(ct));
}
