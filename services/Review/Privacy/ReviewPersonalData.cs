using Commerce.Review.Reviews;

namespace Commerce.Review.Privacy;

/// <summary>
/// What Review holds about a customer: their reviews (published content: kept, the author's name anonymised, as
/// CustomerDeleted does), the purchases that verify them (ids and product names only) and its cache of their name.
/// </summary>
public static class ReviewPersonalData
{
    public static CommerceContextBuilder<ReviewDbContext> HoldsCustomersPersonalData(this CommerceContextBuilder<ReviewDbContext> context) => context
        .HoldsPersonalData("reviews",
            async (db, subject, ct) => (await db.Reviews.AsNoTracking().Where(r => r.CustomerId == subject.CustomerId)
                .OrderBy(r => r.SubmittedAt).ToListAsync(ct)).Select(r => r.ToResponse()).ToList(),
            (db, subject, ct) => db.Reviews.Where(r => r.CustomerId == subject.CustomerId && r.AuthorName != ReviewLimits.FormerCustomer)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.AuthorName, ReviewLimits.FormerCustomer), ct))
        .HoldsPersonalData("purchases",
            async (db, subject, ct) => await db.Purchases.AsNoTracking().Where(p => p.CustomerId == subject.CustomerId)
                .Select(p => new { p.OrderId, p.DeliveredAt, p.Cancelled, Products = p.Lines.Select(l => l.ProductName).ToList() }).ToListAsync(ct),
            // Ids and product names: what keeps a kept review verified.
            (_, _, _) => Task.FromResult(0))
        .HoldsPersonalData("customer-cache",
            async (db, subject, ct) => await db.Customers.AsNoTracking().Where(c => c.CustomerId == subject.CustomerId)
                .Select(c => new { c.Name, c.Deleted }).FirstOrDefaultAsync(ct),
            (db, subject, ct) => db.Customers.Where(c => c.CustomerId == subject.CustomerId && (c.Name != "" || !c.Deleted))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Name, "").SetProperty(c => c.Deleted, true), ct));
}
