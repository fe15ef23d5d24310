using Commerce.Customer.Contracts;
using Commerce.Product.Contracts;
using Commerce.Promotion.Contracts;
using Refit;

namespace Commerce.ShoppingCart.Caches;

/// <summary>
/// Shopping Cart's copies of products (what a line shows and whether it may be bought), customers (the cart's display
/// name) and promotions (names and windows), fed by their owners' events. Every write replaces a whole copy and keeps
/// the newest owner version (<see cref="CachedCopies.ApplyAsync{TCopy}"/>), so the copies converge whatever order,
/// duplication or interleaving the events arrive in.
/// </summary>
internal static class CacheHandlers
{
    public static CommerceContextBuilder<ShoppingCartDbContext> HandleCacheEvents(this CommerceContextBuilder<ShoppingCartDbContext> context) => context
        .HandleEvent<ProductCreated>("Product", (e, db, ct) => ApplyProductAsync(db, e.Event.ProductId,
            new ProductState(e.Event.Sku, e.Event.Name, e.Event.Category, e.Event.Price, e.Event.Currency, ProductStatus.Active), e.AggregateVersion, ct))
        .HandleEvent<ProductUpdated>("Product", (e, db, ct) => ApplyProductAsync(e, e.Event.ProductId, e.Event.State, db, ct))
        .HandleEvent<ProductPriceChanged>("Product", (e, db, ct) => ApplyProductAsync(e, e.Event.ProductId, e.Event.State, db, ct))
        .HandleEvent<ProductDiscontinued>("Product", (e, db, ct) => ApplyProductAsync(e, e.Event.ProductId, e.Event.State, db, ct))
        .HandleEvent<CustomerRegistered>("Customer", (e, db, ct) => ApplyCustomerAsync(db, e.Event.CustomerId, e.Event.Name, false, e.AggregateVersion, ct))
        .HandleEvent<CustomerProfileUpdated>("Customer", (e, db, ct) => ApplyCustomerAsync(db, e.Event.CustomerId, e.Event.Name, false, e.AggregateVersion, ct))
        .HandleEvent<CustomerDeleted>("Customer", ForgetCustomerAsync)
        .HandleEvent<PromotionActivated>("Promotion", (e, db, ct) =>
            ApplyPromotionAsync(db, e.Event.PromotionId, e.Event.Name, e.Event.StartsAt, e.Event.EndsAt, true, e.AggregateVersion, ct))
        .HandleEvent<PromotionExpired>("Promotion", (e, db, ct) =>
            ApplyPromotionAsync(db, e.Event.PromotionId, e.Event.Name, null, null, false, e.AggregateVersion, ct))
        // A product, customer or promotion the cache lacks reads as one no longer on sale, deleted or active.
        .ExpireCachedCopies<CachedProduct>("discontinued-product-copies", CachedCopies.TombstoneLifetime, p => !p.Active)
        .ExpireCachedCopies<CachedCustomer>("deleted-customer-copies", CachedCopies.TombstoneLifetime, c => c.Deleted)
        .ExpireCachedCopies<CachedPromotion>("inactive-promotion-copies", CachedCopies.TombstoneLifetime, p => !p.Active);

    /// <summary>A product missing from the cache (its events not here yet): Product's API once, and the answer cached.</summary>
    public static async Task<CachedProduct?> FindOrFetchProductAsync(
        ShoppingCartDbContext db, IProductApi products, Guid productId, CancellationToken ct)
    {
        if (await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.ProductId == productId, ct) is { } cached)
        {
            return cached;
        }

        ProductResponse current;
        try
        {
            current = await products.GetProductAsync(productId, ct);
        }
        catch (ApiException exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        await ApplyProductAsync(db, productId,
            new ProductState(current.Sku, current.Name, current.Category, current.Price, current.Currency, current.Status), current.Version, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException exception) when (Checks.IsUniqueViolation(exception))
        {
            // The product's event was cached meanwhile: that copy (or a newer one) stands.
        }

        db.ChangeTracker.Clear();
        return await db.Products.AsNoTracking().FirstAsync(p => p.ProductId == productId, ct);
    }

    /// <summary>An event written before product events carried the whole state: the current state comes from Product's API.</summary>
    private static async Task ApplyProductAsync<TEvent>(
        IncomingEvent<TEvent> incoming, Guid productId, ProductState? state, ShoppingCartDbContext db, CancellationToken ct)
    {
        if (state is not null)
        {
            await ApplyProductAsync(db, productId, state, incoming.AggregateVersion, ct);
            return;
        }

        var current = await incoming.Services.GetRequiredKeyedService<IProductApi>(ShoppingCartContext.Name).GetProductAsync(productId, ct);
        await ApplyProductAsync(db, productId,
            new ProductState(current.Sku, current.Name, current.Category, current.Price, current.Currency, current.Status), current.Version, ct);
    }

    private static Task<bool> ApplyProductAsync(ShoppingCartDbContext db, Guid id, ProductState state, int version, CancellationToken ct)
    {
        var active = state.Status == ProductStatus.Active;
        return db.ApplyAsync<CachedProduct>(
            p => p.ProductId == id,
            version,
            () => new CachedProduct
            {
                ProductId = id,
                Sku = state.Sku,
                Name = state.Name,
                Category = state.Category,
                Price = state.Price,
                Currency = state.Currency,
                Active = active,
                SourceVersion = version,
            },
            s => s.SetProperty(p => p.Sku, state.Sku)
                .SetProperty(p => p.Name, state.Name)
                .SetProperty(p => p.Category, state.Category)
                .SetProperty(p => p.Price, state.Price)
                .SetProperty(p => p.Currency, state.Currency)
                .SetProperty(p => p.Active, active),
            ct);
    }

    private static Task<bool> ApplyCustomerAsync(ShoppingCartDbContext db, Guid id, string name, bool deleted, int version, CancellationToken ct) =>
        db.ApplyAsync<CachedCustomer>(
            c => c.CustomerId == id,
            version,
            () => new CachedCustomer { CustomerId = id, Name = name, Deleted = deleted, SourceVersion = version },
            s => s.SetProperty(c => c.Name, name).SetProperty(c => c.Deleted, deleted),
            ct);

    /// <summary>
    /// The customer is gone: their name is dropped (a tombstone keeps an older event from restoring it) and so is their
    /// cart, lines and all, in the inbox's transaction. Nobody is told: the cart did not expire or convert.
    /// </summary>
    private static async Task ForgetCustomerAsync(IncomingEvent<CustomerDeleted> incoming, ShoppingCartDbContext db, CancellationToken ct)
    {
        var customerId = incoming.Event.CustomerId;
        await ApplyCustomerAsync(db, customerId, "", true, incoming.AggregateVersion, ct);
        await db.Carts.Where(c => c.CustomerId == customerId).ExecuteDeleteAsync(ct);
    }

    private static Task<bool> ApplyPromotionAsync(
        ShoppingCartDbContext db, Guid id, string name, DateTimeOffset? startsAt, DateTimeOffset? endsAt, bool active, int version, CancellationToken ct)
    {
        name = name.Length > CartLimits.PromotionName ? name[..CartLimits.PromotionName] : name;
        return db.ApplyAsync<CachedPromotion>(
            p => p.PromotionId == id,
            version,
            () => new CachedPromotion { PromotionId = id, Name = name, StartsAt = startsAt, EndsAt = endsAt, Active = active, SourceVersion = version },
            s =>
            {
                s.SetProperty(p => p.Name, name).SetProperty(p => p.Active, active);
                if (active)
                {
                    // PromotionExpired carries no window: the one the activation gave is kept.
                    s.SetProperty(p => p.StartsAt, startsAt).SetProperty(p => p.EndsAt, endsAt);
                }
            },
            ct);
    }
}
