using System.Text.Json;
using Commerce.Customer.Contracts;
using Commerce.Product.Contracts;
using Commerce.Promotion.Contracts;
using Commerce.ShoppingCart.Contracts;

namespace Commerce.Pricing.Caches;

/// <summary>
/// What a quote needs from other contexts, kept from their events so the quote path makes no synchronous call to
/// Product or Customer: products, membership levels, promotions in force, and cart demand. Every copy is written
/// with <see cref="CachedCopies.ApplyAsync{TCopy}"/> (whole state, newest owner version wins), so the caches end at
/// the owners' latest state whatever order or duplication events arrive in; demand is a counter instead.
/// </summary>
internal static class CacheHandlers
{
    public static CommerceContextBuilder<PricingDbContext> HandleCacheEvents(this CommerceContextBuilder<PricingDbContext> context) => context
        .HandleEvent<ProductCreated>("Product", (e, db, ct) => ApplyProductAsync(db, e.Event.ProductId,
            new ProductState(e.Event.Sku, e.Event.Name, e.Event.Category, e.Event.Price, e.Event.Currency, ProductStatus.Active),
            e.AggregateVersion, Now(e), ct))
        .HandleEvent<ProductUpdated>("Product", (e, db, ct) => ApplyProductAsync(e, e.Event.ProductId, e.Event.State, db, ct))
        .HandleEvent<ProductPriceChanged>("Product", (e, db, ct) => ApplyProductAsync(e, e.Event.ProductId, e.Event.State, db, ct))
        .HandleEvent<ProductDiscontinued>("Product", (e, db, ct) => ApplyProductAsync(e, e.Event.ProductId, e.Event.State, db, ct))
        .HandleEvent<CustomerRegistered>("Customer", (e, db, ct) =>
            ApplyMembershipAsync(db, e.Event.CustomerId, e.Event.Membership, e.AggregateVersion, ct))
        .HandleEvent<CustomerMembershipUpgraded>("Customer", (e, db, ct) =>
            ApplyMembershipAsync(db, e.Event.CustomerId, e.Event.To, e.AggregateVersion, ct))
        .HandleEvent<PromotionActivated>("Promotion", ApplyPromotionActivatedAsync)
        .HandleEvent<PromotionExpired>("Promotion", ApplyPromotionExpiredAsync)
        // Additive: every addition counts, whatever the cart's version order (duplicates are dropped by event id).
        .HandleEvent<ItemAddedToCart>("ShoppingCart", CountDemandAsync, ignoreStaleVersions: false)
        .RebuildCache("products", RebuildProductsAsync)
        // A quote asks Product for a product the cache lacks; a promotion Pricing lacks is one it does not apply.
        .ExpireCachedCopies<CachedProduct>("product-copies", CachedCopies.RefetchableLifetime, _ => true)
        .ExpireCachedCopies<CachedPromotion>("inactive-promotion-copies", CachedCopies.TombstoneLifetime, p => !p.Active)
        .KeepCachedCopies<CachedMembership>("a missing membership would price a member as a guest; Customer deletes no membership")
        .KeepCachedCopies<ProductDemand>("demand counters for operators, one row per product");

    private static DateTimeOffset Now<TEvent>(IncomingEvent<TEvent> incoming) =>
        incoming.Services.GetRequiredService<TimeProvider>().GetUtcNow();

    /// <summary>
    /// An event written before product events carried the product's whole state holds only what changed: the
    /// product's current state (at a version at least as new) comes from Product's API instead.
    /// </summary>
    private static async Task ApplyProductAsync<TEvent>(
        IncomingEvent<TEvent> incoming, Guid productId, ProductState? state, PricingDbContext db, CancellationToken ct)
    {
        if (state is not null)
        {
            await ApplyProductAsync(db, productId, state, incoming.AggregateVersion, Now(incoming), ct);
            return;
        }

        var current = await incoming.Services.GetRequiredKeyedService<IProductApi>(PricingContext.Name).GetProductAsync(productId, ct);
        await ApplyProductAsync(db, productId, StateOf(current), current.Version, Now(incoming), ct);
    }

    internal static ProductState StateOf(ProductResponse p) => new(p.Sku, p.Name, p.Category, p.Price, p.Currency, p.Status);

    internal static Task<bool> ApplyProductAsync(
        PricingDbContext db, Guid id, ProductState state, int version, DateTimeOffset now, CancellationToken ct) =>
        db.ApplyAsync<CachedProduct>(
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
                Status = state.Status,
                SourceVersion = version,
                UpdatedAt = now,
            },
            s => s.SetProperty(p => p.Sku, state.Sku)
                .SetProperty(p => p.Name, state.Name)
                .SetProperty(p => p.Category, state.Category)
                .SetProperty(p => p.Price, state.Price)
                .SetProperty(p => p.Currency, state.Currency)
                .SetProperty(p => p.Status, state.Status)
                .SetProperty(p => p.UpdatedAt, now),
            ct);

    private static Task<bool> ApplyMembershipAsync(PricingDbContext db, Guid id, MembershipLevel level, int version, CancellationToken ct) =>
        db.ApplyAsync<CachedMembership>(
            m => m.CustomerId == id,
            version,
            () => new CachedMembership { CustomerId = id, Membership = level, SourceVersion = version },
            s => s.SetProperty(m => m.Membership, level),
            ct);

    private static Task ApplyPromotionActivatedAsync(IncomingEvent<PromotionActivated> incoming, PricingDbContext db, CancellationToken ct)
    {
        var e = incoming.Event;
        var terms = JsonSerializer.Serialize(e.Terms, CommerceJson.Options);
        return db.ApplyAsync<CachedPromotion>(
            p => p.PromotionId == e.PromotionId,
            incoming.AggregateVersion,
            () => new CachedPromotion
            {
                PromotionId = e.PromotionId,
                Name = e.Name,
                Terms = terms,
                RequiresCoupon = e.RequiresCoupon,
                StartsAt = e.StartsAt,
                EndsAt = e.EndsAt,
                Active = true,
                SourceVersion = incoming.AggregateVersion,
            },
            s => s.SetProperty(p => p.Name, e.Name)
                .SetProperty(p => p.Terms, terms)
                .SetProperty(p => p.RequiresCoupon, e.RequiresCoupon)
                .SetProperty(p => p.StartsAt, e.StartsAt)
                .SetProperty(p => p.EndsAt, e.EndsAt)
                .SetProperty(p => p.Active, true),
            ct);
    }

    /// <summary>An expired promotion never discounts again; its terms are kept (or never known) for no one's use.</summary>
    private static Task ApplyPromotionExpiredAsync(IncomingEvent<PromotionExpired> incoming, PricingDbContext db, CancellationToken ct)
    {
        var e = incoming.Event;
        return db.ApplyAsync<CachedPromotion>(
            p => p.PromotionId == e.PromotionId,
            incoming.AggregateVersion,
            () => new CachedPromotion
            {
                PromotionId = e.PromotionId,
                Name = e.Name,
                RequiresCoupon = false,
                Active = false,
                SourceVersion = incoming.AggregateVersion,
            },
            s => s.SetProperty(p => p.Name, e.Name).SetProperty(p => p.Active, false),
            ct);
    }

    /// <summary>
    /// One atomic upsert (inside the inbox's transaction), so concurrent additions of one product never lose a count.
    /// A line whose quantity is what this addition added is new to its cart: that is one more cart.
    /// </summary>
    private static async Task CountDemandAsync(IncomingEvent<ItemAddedToCart> incoming, PricingDbContext db, CancellationToken ct)
    {
        var e = incoming.Event;
        if (e.QuantityAdded <= 0)
        {
            return;
        }

        var newCart = e.Quantity == e.QuantityAdded ? 1 : 0;
        await db.Database.ExecuteSqlAsync(
            $"""
             INSERT INTO pricing.product_demand (product_id, units_added, carts, last_added_at)
             VALUES ({e.ProductId}, {(long)e.QuantityAdded}, {(long)newCart}, {incoming.OccurredAt})
             ON CONFLICT (product_id) DO UPDATE SET
                 units_added = product_demand.units_added + EXCLUDED.units_added,
                 carts = product_demand.carts + EXCLUDED.carts,
                 last_added_at = GREATEST(product_demand.last_added_at, EXCLUDED.last_added_at)
             """,
            ct);
    }

    /// <remarks>Product's search pages by name: a product renamed during the rebuild may be listed twice or missed, and its event brings it.</remarks>
    private static async Task<(int OwnerCopies, int Refreshed)> RebuildProductsAsync(PricingDbContext db, IServiceProvider services, CancellationToken ct)
    {
        var products = services.GetRequiredKeyedService<IProductApi>(PricingContext.Name);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var (listed, refreshed) = (0, 0);
        for (var number = 1; ; number++)
        {
            var page = await products.SearchProductsAsync(new ProductSearch { Page = number, PageSize = 100 }, ct);
            foreach (var p in page.Items)
            {
                refreshed += await ApplyProductAsync(db, p.Id, new ProductState(p.Sku, p.Name, p.Category, p.Price, p.Currency, p.Status),
                    p.Version, now, ct) ? 1 : 0;
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
