namespace Commerce.ShoppingCart.Privacy;

/// <summary>
/// What ShoppingCart holds about a customer: their cart, the record of carts they checked out (an idempotency
/// record, not accounting: the order is Order's), and its cache of their name.
/// </summary>
public static class ShoppingCartPersonalData
{
    public static CommerceContextBuilder<ShoppingCartDbContext> HoldsCustomersPersonalData(this CommerceContextBuilder<ShoppingCartDbContext> context) => context
        .HoldsPersonalData("carts",
            async (db, subject, ct) => await db.Carts.AsNoTracking().Where(c => c.CustomerId == subject.CustomerId)
                .Select(c => new
                {
                    c.Id,
                    c.CouponCode,
                    c.CreatedAt,
                    c.LastActivityAt,
                    Lines = c.Lines.Select(l => new { l.ProductId, l.Quantity, l.PriceWhenAdded, l.Currency, l.AddedAt }).ToList(),
                }).ToListAsync(ct),
            // A cart is nothing but the customer's wish list: it goes.
            async (db, subject, ct) =>
            {
                await db.CartLines.Where(l => db.Carts.Any(c => c.Id == l.CartId && c.CustomerId == subject.CustomerId)).ExecuteDeleteAsync(ct);
                return await db.Carts.Where(c => c.CustomerId == subject.CustomerId).ExecuteDeleteAsync(ct)
                       + await db.Conversions.Where(c => c.CustomerId == subject.CustomerId).ExecuteDeleteAsync(ct);
            })
        .HoldsPersonalData("customer-cache",
            async (db, subject, ct) => await db.Customers.AsNoTracking().Where(c => c.CustomerId == subject.CustomerId)
                .Select(c => new { c.Name, c.Deleted }).FirstOrDefaultAsync(ct),
            // As CustomerDeleted forgets it: kept at its version, empty, so an older event cannot bring the name back.
            (db, subject, ct) => db.Customers.Where(c => c.CustomerId == subject.CustomerId && (c.Name != "" || !c.Deleted))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Name, "").SetProperty(c => c.Deleted, true), ct));
}
