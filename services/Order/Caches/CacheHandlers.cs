using Commerce.Customer.Contracts;
using Commerce.Product.Contracts;

namespace Commerce.Order.Caches;

/// <summary>
/// Order's caches of customer name/email and product name/price, fed by their owners' events. The inbox has
/// already dropped duplicates and versions older than the newest applied, so each handler is a plain upsert.
/// </summary>
internal static class CacheHandlers
{
    public static CommerceContextBuilder<OrderDbContext> HandleCacheEvents(this CommerceContextBuilder<OrderDbContext> context) => context
        .HandleEvent<CustomerRegistered>("Customer", (e, db, ct) =>
            UpsertCustomerAsync(db, e.Event.CustomerId, e.Event.Name, e.Event.Email, e.AggregateVersion, ct))
        .HandleEvent<CustomerProfileUpdated>("Customer", (e, db, ct) =>
            UpsertCustomerAsync(db, e.Event.CustomerId, e.Event.Name, e.Event.Email, e.AggregateVersion, ct))
        .HandleEvent<ProductCreated>("Product", async (e, db, ct) =>
        {
            var product = await ProductAsync(db, e.Event.ProductId, e.Event.Sku, e.Event.Name, ct);
            (product.Name, product.Price, product.Currency, product.Version) = (e.Event.Name, e.Event.Price, e.Event.Currency, e.AggregateVersion);
        })
        .HandleEvent<ProductUpdated>("Product", async (e, db, ct) =>
        {
            var product = await ProductAsync(db, e.Event.ProductId, e.Event.Sku, e.Event.Name, ct);
            (product.Name, product.Version) = (e.Event.Name, e.AggregateVersion);
        })
        .HandleEvent<ProductPriceChanged>("Product", async (e, db, ct) =>
        {
            var product = await ProductAsync(db, e.Event.ProductId, e.Event.Sku, e.Event.Sku, ct);
            (product.Price, product.Currency, product.Version) = (e.Event.NewPrice, e.Event.Currency, e.AggregateVersion);
        })
        .HandleEvent<ProductDiscontinued>("Product", async (e, db, ct) =>
        {
            var product = await ProductAsync(db, e.Event.ProductId, e.Event.Sku, e.Event.Sku, ct);
            (product.Discontinued, product.Version) = (true, e.AggregateVersion);
        });

    private static async Task UpsertCustomerAsync(OrderDbContext db, Guid id, string name, string email, int version, CancellationToken ct)
    {
        var customer = await db.Customers.FindAsync([id], ct);
        if (customer is null)
        {
            db.Customers.Add(new CachedCustomer { CustomerId = id, Name = name, Email = email, Version = version });
            return;
        }

        (customer.Name, customer.Email, customer.Version) = (name, email, version);
    }

    private static async Task<CachedProduct> ProductAsync(OrderDbContext db, Guid id, string sku, string name, CancellationToken ct)
    {
        var product = await db.Products.FindAsync([id], ct);
        if (product is null)
        {
            product = new CachedProduct { ProductId = id, Sku = sku, Name = name };
            db.Products.Add(product);
        }

        return product;
    }
}
