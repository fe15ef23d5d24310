using Commerce.ServiceDefaults.Security;
using Commerce.ShoppingCart.Contracts;

namespace Commerce.Product.Catalog;

/// <summary>
/// That a cart holds a product, from ShoppingCart's ItemAddedToCart (one row per cart and product, at the cart's
/// version): GET /products/{id} counts them as <c>inCarts</c>. ShoppingCart announces additions only (no removals
/// or checkouts reach Product), so the count is of the carts the product was put in.
/// </summary>
public sealed class CartHolding : ICachedCopy
{
    public required Guid CartId { get; init; }

    public required Guid ProductId { get; init; }

    public required int Quantity { get; set; }

    public required int SourceVersion { get; set; }
}

internal static class CartHoldings
{
    /// <summary>
    /// Every version of a cart is applied: each addition is about its own product, so the inbox's per-cart stale check
    /// would drop product A's addition arriving after product B's newer one. Per (cart, product) the newest version
    /// wins, and a redelivery changes nothing: the count is of distinct carts, never of deliveries.
    /// </summary>
    public static CommerceContextBuilder<ProductDbContext> HandleCartEvents(this CommerceContextBuilder<ProductDbContext> context) => context
        .HandleEvent<ItemAddedToCart>("ShoppingCart", (e, db, ct) => db.ApplyAsync<CartHolding>(
            h => h.CartId == e.Event.CartId && h.ProductId == e.Event.ProductId,
            e.AggregateVersion,
            () => new CartHolding { CartId = e.Event.CartId, ProductId = e.Event.ProductId, Quantity = e.Event.Quantity, SourceVersion = e.AggregateVersion },
            s => s.SetProperty(h => h.Quantity, e.Event.Quantity),
            ct), ignoreStaleVersions: false)
        // A cart expires 7 days after its last change: a holding unchanged for 30 days is of a cart long converted,
        // expired or emptied of it (Product hears only additions), so it no longer counts.
        .ExpireCachedCopies<CartHolding>("cart-holdings", TimeSpan.FromDays(30), _ => true);

    /// <summary>
    /// How many carts hold the product, for the product's seller and operators only: demand is the seller's business
    /// information (a competitor would watch it), not something the storefront shows shoppers. Null for everyone else.
    /// </summary>
    public static async Task<int?> InCartsAsync(this ProductDbContext db, CatalogProduct product, Caller caller, CancellationToken cancellationToken) =>
        caller.IsOperator || (product.SellerId is { } sellerId && caller.MayActForSeller(sellerId))
            ? await db.CartHoldings.CountAsync(h => h.ProductId == product.Id, cancellationToken)
            : null;
}
