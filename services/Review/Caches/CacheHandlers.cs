using Commerce.Customer.Contracts;
using Commerce.Order.Contracts;
using Commerce.Product.Contracts;
using Commerce.Seller.Contracts;

namespace Commerce.Review.Caches;

/// <summary>
/// Review's copies of other contexts' data: purchases (Order: who bought what, delivered or cancelled), products
/// (Product: name and seller), customers' display names (Customer) and sellers' display names (Seller). Product and customer copies are whole states
/// written by the owner's version (<see cref="CachedCopies.ApplyAsync{TCopy}"/>); purchases merge facts that never
/// revert (see <see cref="Purchase"/>), so every order event is handled whatever its version. Only events that can
/// change a cached field are subscribed: a product's name and seller change with ProductUpdated alone, a seller's name
/// with SellerProfileUpdated alone (its suspension and reinstatement carry the same name).
/// </summary>
internal static class CacheHandlers
{
    public static CommerceContextBuilder<ReviewDbContext> HandleCacheEvents(this CommerceContextBuilder<ReviewDbContext> context) => context
        // Order's events at any version: a delivery that overtakes its OrderCreated must not make the lines stale.
        .HandleEvent<OrderCreated>("Order", (e, db, ct) => PurchasedAsync(db, e.Event, ct), ignoreStaleVersions: false)
        .HandleEvent<OrderDelivered>("Order", (e, db, ct) => DeliveredAsync(db, e.Event, e.OccurredAt, ct), ignoreStaleVersions: false)
        .HandleEvent<OrderCancelled>("Order", (e, db, ct) => CancelledAsync(db, e.Event, ct), ignoreStaleVersions: false)
        .HandleEvent<ProductCreated>("Product", (e, db, ct) => ApplyProductAsync(db, e.Event.ProductId, e.Event.Name, e.Event.SellerId, e.AggregateVersion, ct))
        .HandleEvent<ProductUpdated>("Product", (e, db, ct) => ApplyProductAsync(e, e.Event.ProductId, e.Event.State, db, ct))
        .HandleEvent<CustomerRegistered>("Customer", (e, db, ct) => ApplyCustomerAsync(db, e.Event.CustomerId, e.Event.Name, e.AggregateVersion, ct))
        .HandleEvent<CustomerProfileUpdated>("Customer", (e, db, ct) => ApplyCustomerAsync(db, e.Event.CustomerId, e.Event.Name, e.AggregateVersion, ct))
        .HandleEvent<CustomerDeleted>("Customer", ForgetCustomerAsync)
        .HandleEvent<SellerRegistered>("Seller", (e, db, ct) => ApplySellerAsync(db, e.Event.SellerId, e.Event.State, e.AggregateVersion, ct))
        .HandleEvent<SellerProfileUpdated>("Seller", (e, db, ct) => ApplySellerAsync(db, e.Event.SellerId, e.Event.State, e.AggregateVersion, ct))
        .ExpireCachedCopies<CachedCustomer>("deleted-customer-copies", CachedCopies.TombstoneLifetime, c => c.Deleted)
        .KeepCachedCopies<CachedProduct>("a review is only accepted for a product the cache knows; Product never deletes one")
        .KeepCachedCopies<CachedSeller>("replies are signed with the seller's name; Seller never deletes one")
        .KeepCachedCopies<Purchase>("the evidence that a customer may review a product, kept as long as their reviews");

    private static Task<bool> ApplySellerAsync(ReviewDbContext db, Guid id, SellerState state, int version, CancellationToken ct)
    {
        var name = Cap(state.DisplayName);
        return db.ApplyAsync<CachedSeller>(
            s => s.SellerId == id,
            version,
            () => new CachedSeller { SellerId = id, DisplayName = name, SourceVersion = version },
            s => s.SetProperty(c => c.DisplayName, name),
            ct);
    }

    private static async Task PurchasedAsync(ReviewDbContext db, OrderCreated order, CancellationToken ct)
    {
        var purchase = await db.Purchases.Include(p => p.Lines).FirstOrDefaultAsync(p => p.OrderId == order.OrderId, ct);
        if (purchase is null)
        {
            purchase = new Purchase { OrderId = order.OrderId, CustomerId = order.CustomerId };
            db.Purchases.Add(purchase);
        }

        // An order's lines never change after creation: a repeat (or a delivery that came first) adds nothing twice.
        if (purchase.Lines.Count == 0)
        {
            foreach (var line in order.Lines.DistinctBy(l => l.ProductId))
            {
                purchase.Lines.Add(new PurchaseLine { OrderId = order.OrderId, ProductId = line.ProductId, ProductName = Cap(line.ProductName) });
            }
        }
    }

    private static async Task DeliveredAsync(ReviewDbContext db, OrderDelivered delivered, DateTimeOffset at, CancellationToken ct)
    {
        var purchase = await FindOrAddAsync(db, delivered.OrderId, delivered.CustomerId, ct);
        purchase.DeliveredAt ??= at;
    }

    private static async Task CancelledAsync(ReviewDbContext db, OrderCancelled cancelled, CancellationToken ct)
    {
        var purchase = await FindOrAddAsync(db, cancelled.OrderId, cancelled.CustomerId, ct);
        purchase.Cancelled = true;
    }

    private static async Task<Purchase> FindOrAddAsync(ReviewDbContext db, Guid orderId, Guid customerId, CancellationToken ct)
    {
        if (await db.Purchases.FirstOrDefaultAsync(p => p.OrderId == orderId, ct) is { } purchase)
        {
            return purchase;
        }

        // Its OrderCreated is still on the way: the lines come when it arrives.
        purchase = new Purchase { OrderId = orderId, CustomerId = customerId };
        db.Purchases.Add(purchase);
        return purchase;
    }

    /// <summary>An event written before product events carried the whole state: the current state comes from Product's API.</summary>
    private static async Task ApplyProductAsync<TEvent>(
        IncomingEvent<TEvent> incoming, Guid productId, ProductState? state, ReviewDbContext db, CancellationToken ct)
    {
        if (state is not null)
        {
            await ApplyProductAsync(db, productId, state.Name, state.SellerId, incoming.AggregateVersion, ct);
            return;
        }

        var current = await incoming.Services.GetRequiredKeyedService<IProductApi>(ReviewContext.Name).GetProductAsync(productId, ct);
        await ApplyProductAsync(db, productId, current.Name, current.Seller?.Id, current.Version, ct);
    }

    private static Task<bool> ApplyProductAsync(ReviewDbContext db, Guid id, string name, Guid? sellerId, int version, CancellationToken ct)
    {
        name = Cap(name);
        return db.ApplyAsync<CachedProduct>(
            p => p.ProductId == id,
            version,
            () => new CachedProduct { ProductId = id, Name = name, SellerId = sellerId, SourceVersion = version },
            s => s.SetProperty(p => p.Name, name).SetProperty(p => p.SellerId, sellerId),
            ct);
    }

    /// <summary>The name is the author name of the customer's reviews too, so a change of name shows on them.</summary>
    private static async Task ApplyCustomerAsync(ReviewDbContext db, Guid id, string name, int version, CancellationToken ct)
    {
        name = Cap(name);
        if (await ApplyCustomerAsync(db, id, name, false, version, ct))
        {
            await db.Reviews.Where(r => r.CustomerId == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.AuthorName, name), ct);
        }
    }

    private static Task<bool> ApplyCustomerAsync(ReviewDbContext db, Guid id, string name, bool deleted, int version, CancellationToken ct) =>
        db.ApplyAsync<CachedCustomer>(
            c => c.CustomerId == id,
            version,
            () => new CachedCustomer { CustomerId = id, Name = name, Deleted = deleted, SourceVersion = version },
            s => s.SetProperty(c => c.Name, name).SetProperty(c => c.Deleted, deleted),
            ct);

    /// <summary>
    /// The customer is gone: their name leaves the cache (a tombstone keeps an older event from restoring it) and every
    /// review of theirs. The reviews stay, anonymised: they are the products' ratings.
    /// </summary>
    private static async Task ForgetCustomerAsync(IncomingEvent<CustomerDeleted> incoming, ReviewDbContext db, CancellationToken ct)
    {
        var customerId = incoming.Event.CustomerId;
        await ApplyCustomerAsync(db, customerId, "", true, incoming.AggregateVersion, ct);
        await db.Reviews.Where(r => r.CustomerId == customerId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.AuthorName, ReviewLimits.FormerCustomer), ct);
    }

    private static string Cap(string name) => name.Length > ReviewLimits.Name ? name[..ReviewLimits.Name] : name;
}
