using Commerce.Customer.Contracts;
using Commerce.Product.Contracts;

namespace Commerce.Order.Caches;

/// <summary>
/// Order's caches of customer name/email and product name/price/status, fed by their owners' events and rebuilt
/// from their owners' APIs. Every write replaces a whole copy and keeps the newest owner version
/// (<see cref="CachedCopies.ApplyAsync{TCopy}"/>), so the caches end at the owners' latest state whatever order,
/// duplication or interleaving events arrive in.
/// </summary>
internal static class CacheHandlers
{
    public static CommerceContextBuilder<OrderDbContext> HandleCacheEvents(this CommerceContextBuilder<OrderDbContext> context) => context
        .HandleEvent<CustomerRegistered>("Customer", async (e, db, ct) =>
        {
            await ApplyCustomerAsync(db, e.Event.CustomerId, e.Event.Name, e.Event.Email, e.AggregateVersion, ct);
            foreach (var address in e.Event.Addresses ?? [])
            {
                await ApplyAddressAsync(db, e.Event.CustomerId, address, e.AggregateVersion, ct);
            }
        }, ignoreStaleVersions: false) // its addresses must not be dropped behind a profile event delivered first; ApplyAsync orders the copies
        .HandleEvent<CustomerProfileUpdated>("Customer", (e, db, ct) =>
            ApplyCustomerAsync(db, e.Event.CustomerId, e.Event.Name, e.Event.Email, e.AggregateVersion, ct))
        // Handled at every version: the customer's version is shared with profile events, so a newer profile event
        // delivered first must not make an address look stale. Each address is a copy of its own (written once, at the
        // customer's version that added it), so ApplyAsync still settles duplicates and reordering.
        .HandleEvent<CustomerAddressAdded>("Customer", (e, db, ct) => ApplyAddressAsync(db, e.Event.CustomerId, e.Event.Address, e.AggregateVersion, ct),
            ignoreStaleVersions: false)
        // A suspension never reverts, so it is a fact applied at any version: a profile event delivered first must not
        // make it look stale. Submission refuses a suspended customer's orders even when it needs nothing from Customer.
        .HandleEvent<CustomerSuspended>("Customer", (e, db, ct) => SuspendCustomerAsync(db, e.Event.CustomerId, ct), ignoreStaleVersions: false)
        .HandleEvent<ProductCreated>("Product", (e, db, ct) => ApplyProductAsync(db, e.Event.ProductId,
            new ProductState(e.Event.Sku, e.Event.Name, e.Event.Category, e.Event.Price, e.Event.Currency, ProductStatus.Active), e.AggregateVersion, ct))
        .HandleEvent<ProductUpdated>("Product", (e, db, ct) => ApplyProductAsync(e, e.Event.ProductId, e.Event.State, db, ct))
        .HandleEvent<ProductPriceChanged>("Product", (e, db, ct) => ApplyProductAsync(e, e.Event.ProductId, e.Event.State, db, ct))
        .HandleEvent<ProductDiscontinued>("Product", (e, db, ct) => ApplyProductAsync(e, e.Event.ProductId, e.Event.State, db, ct))
        .RebuildCache("customers", RebuildCustomersAsync)
        .RebuildCache("products", RebuildProductsAsync)
        // Read at order creation only, which asks Product on a miss.
        .ExpireCachedCopies<CachedProduct>("product-copies", CachedCopies.RefetchableLifetime, _ => true)
        .KeepCachedCopies<CachedCustomer>("shown with the customer's orders, and its suspension refuses submission; a deleted customer's copy goes with their erasure")
        .KeepCachedCopies<CachedAddress>("submission picks the default address from the whole book: a book missing old entries would pick another one");

    /// <summary>
    /// Marks the copy suspended; ApplyAsync's replacement sets only name and e-mail, so later profile events keep the
    /// mark. A suspension that overtakes the registration leaves a version-0 placeholder the registration fills.
    /// </summary>
    private static async Task SuspendCustomerAsync(OrderDbContext db, Guid id, CancellationToken ct)
    {
        if (await db.Customers.Where(c => c.CustomerId == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Suspended, true), ct) == 0)
        {
            db.Customers.Add(new CachedCustomer { CustomerId = id, Name = "", Email = "", Suspended = true, SourceVersion = 0 });
        }
    }

    private static Task<bool> ApplyCustomerAsync(OrderDbContext db, Guid id, string name, string email, int version, CancellationToken ct) =>
        db.ApplyAsync<CachedCustomer>(
            c => c.CustomerId == id,
            version,
            () => new CachedCustomer { CustomerId = id, Name = name, Email = email, SourceVersion = version },
            s => s.SetProperty(c => c.Name, name).SetProperty(c => c.Email, email),
            ct);

    private static Task<bool> ApplyAddressAsync(OrderDbContext db, Guid customerId, AddressResponse a, int version, CancellationToken ct) =>
        db.ApplyAsync<CachedAddress>(
            c => c.AddressId == a.Id,
            version,
            () => new CachedAddress
            {
                AddressId = a.Id,
                CustomerId = customerId,
                Kind = a.Kind,
                Recipient = a.Recipient,
                Line1 = a.Line1,
                Line2 = a.Line2,
                City = a.City,
                Region = a.Region,
                PostalCode = a.PostalCode,
                Country = a.Country,
                IsDefault = a.IsDefault,
            },
            s => s.SetProperty(c => c.CustomerId, customerId).SetProperty(c => c.Kind, a.Kind).SetProperty(c => c.Recipient, a.Recipient)
                .SetProperty(c => c.Line1, a.Line1).SetProperty(c => c.Line2, a.Line2).SetProperty(c => c.City, a.City)
                .SetProperty(c => c.Region, a.Region).SetProperty(c => c.PostalCode, a.PostalCode).SetProperty(c => c.Country, a.Country)
                .SetProperty(c => c.IsDefault, a.IsDefault),
            ct);

    /// <summary>
    /// An event written before product events carried the product's whole state holds only what changed: the
    /// product's current state (at a version at least as new) comes from Product's API instead.
    /// </summary>
    private static async Task ApplyProductAsync<TEvent>(
        IncomingEvent<TEvent> incoming, Guid productId, ProductState? state, OrderDbContext db, CancellationToken ct)
    {
        if (state is not null)
        {
            await ApplyProductAsync(db, productId, state, incoming.AggregateVersion, ct);
            return;
        }

        var current = await incoming.Services.GetRequiredKeyedService<IProductApi>(OrderContext.Name).GetProductAsync(productId, ct);
        await ApplyProductAsync(db, productId,
            new ProductState(current.Sku, current.Name, current.Category, current.Price, current.Currency, current.Status), current.Version, ct);
    }

    internal static Task<bool> ApplyProductAsync(OrderDbContext db, Guid id, ProductState state, int version, CancellationToken ct) =>
        db.ApplyAsync<CachedProduct>(
            p => p.ProductId == id,
            version,
            () => new CachedProduct
            {
                ProductId = id,
                Sku = state.Sku,
                Name = state.Name,
                Price = state.Price,
                Currency = state.Currency,
                Discontinued = state.Status == ProductStatus.Discontinued,
                SourceVersion = version,
            },
            s => s.SetProperty(p => p.Sku, state.Sku)
                .SetProperty(p => p.Name, state.Name)
                .SetProperty(p => p.Price, state.Price)
                .SetProperty(p => p.Currency, state.Currency)
                .SetProperty(p => p.Discontinued, state.Status == ProductStatus.Discontinued),
            ct);

    private static async Task<(int OwnerCopies, int Refreshed)> RebuildCustomersAsync(OrderDbContext db, IServiceProvider services, CancellationToken ct)
    {
        var customers = services.GetRequiredKeyedService<ICustomerApi>(OrderContext.Name);
        var (listed, refreshed) = (0, 0);
        Guid? after = null;
        do
        {
            var page = await customers.ListCustomersAsync(after, cancellationToken: ct);
            foreach (var customer in page.Items)
            {
                refreshed += await ApplyCustomerAsync(db, customer.Id, customer.Name, customer.Email, customer.Version, ct) ? 1 : 0;
            }

            await db.SaveChangesAsync(ct);
            listed += page.Items.Count;
            after = page.Next;
        }
        while (after is not null);

        return (listed, refreshed);
    }

    /// <remarks>Product's search pages by name: a product renamed during the rebuild may be listed twice or missed, and its event brings it.</remarks>
    private static async Task<(int OwnerCopies, int Refreshed)> RebuildProductsAsync(OrderDbContext db, IServiceProvider services, CancellationToken ct)
    {
        var products = services.GetRequiredKeyedService<IProductApi>(OrderContext.Name);
        var (listed, refreshed) = (0, 0);
        for (var number = 1; ; number++)
        {
            var page = await products.SearchProductsAsync(new ProductSearch { Page = number, PageSize = 100 }, ct);
            foreach (var p in page.Items)
            {
                refreshed += await ApplyProductAsync(db, p.Id, new ProductState(p.Sku, p.Name, p.Category, p.Price, p.Currency, p.Status), p.Version, ct) ? 1 : 0;
            }

            await db.SaveChangesAsync(ct);
            listed += page.Items.Count;
            if (page.Items.Count < page.PageSize || listed >= page.TotalCount)
            {
                return (listed, refreshed);
            }
        }
    }
}
