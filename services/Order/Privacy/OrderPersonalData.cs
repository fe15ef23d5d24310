using Commerce.DataSubjects.Contracts;
using Commerce.Order.Contracts;
using Commerce.Order.Orders;
using Commerce.ServiceDefaults.Privacy;

namespace Commerce.Order.Privacy;

/// <summary>
/// What Order holds about a customer: their orders (kept for accounting, amounts and items intact, the address
/// snapshots dropped) and its cache of their name and e-mail. Order is where the customer's order ids come from, for
/// the contexts that know orders and not customers (Shipping, Delivery).
/// </summary>
public static class OrderPersonalData
{
    public static CommerceContextBuilder<OrderDbContext> HoldsCustomersPersonalData(this CommerceContextBuilder<OrderDbContext> context) => context
        .IdentifiesDataSubjects(async (db, customerId, ct) =>
        {
            var orders = await db.Orders.AsNoTracking().Where(o => o.CustomerId == customerId)
                .Select(o => new { o.Id, o.BillingAddress, o.ShippingAddress }).ToListAsync(ct);
            // The snapshots may hold an address the customer has since removed from their profile.
            return new DataSubjectKeys([.. orders.Select(o => o.Id)], [.. orders
                .SelectMany(o => new[] { o.BillingAddress, o.ShippingAddress }).OfType<Address>()
                .SelectMany(a => new[] { a.Recipient, a.Line1, a.Line2, a.PostalCode }).OfType<string>()
                .Distinct(StringComparer.OrdinalIgnoreCase)]);
        })
        .HoldsPersonalData("orders",
            async (db, subject, ct) =>
            {
                var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.CustomerId == subject.CustomerId, ct);
                var orders = await db.Orders.AsNoTracking().Where(o => o.CustomerId == subject.CustomerId).OrderBy(o => o.CreatedAt).ToListAsync(ct);
                var responses = new List<OrderResponse>(orders.Count);
                foreach (var order in orders)
                {
                    responses.Add(order.ToResponse(customer, await OrderViews.ProgressAsync(db, order, ct)));
                }

                return responses.Count == 0 ? null : responses;
            },
            async (db, subject, ct) =>
            {
                // Accounting keeps the order (total, items, discounts, history); the law does not need where it went.
                var orders = await db.Orders
                    .Where(o => o.CustomerId == subject.CustomerId && (o.BillingAddress != null || o.ShippingAddress != null))
                    .ToListAsync(ct);
                foreach (var order in orders)
                {
                    order.BillingAddress = null;
                    order.ShippingAddress = null;
                }

                return orders.Count;
            })
        .HoldsPersonalData("customer-cache",
            async (db, subject, ct) => await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.CustomerId == subject.CustomerId, ct),
            // Anonymised, not deleted: the copy keeps its owner version, so an older event delivered late cannot bring
            // the name back (CachedCopies.ApplyAsync replaces only older copies).
            (db, subject, ct) => db.Customers.Where(c => c.CustomerId == subject.CustomerId && (c.Name != "" || c.Email != ""))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Name, "").SetProperty(c => c.Email, ""), ct))
        .HoldsPersonalData("address-cache",
            async (db, subject, ct) => await db.Addresses.AsNoTracking().Where(a => a.CustomerId == subject.CustomerId).ToListAsync(ct) is { Count: > 0 } book
                ? book : null,
            // Blanked, not deleted, for the same reason as the customer's copy: each address keeps its version.
            (db, subject, ct) => db.Addresses.Where(a => a.CustomerId == subject.CustomerId && (a.Recipient != "" || a.Line1 != ""))
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Recipient, "").SetProperty(a => a.Line1, "").SetProperty(a => a.Line2, (string?)null)
                    .SetProperty(a => a.City, "").SetProperty(a => a.Region, (string?)null).SetProperty(a => a.PostalCode, ""), ct));
}
