using Commerce.Pricing.Contracts;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults.Security;
using Commerce.ShoppingCart.Abandonment;
using Commerce.ShoppingCart.Caches;
using Commerce.ShoppingCart.Contracts;
using Microsoft.AspNetCore.Mvc;

namespace Commerce.ShoppingCart.Carts;

/// <summary>
/// A customer's one cart, addressed by the customer's id: customers reach their own (another's answers 404, as if
/// it did not exist), operators any. Every change restarts the idle clock and clears the abandoned mark.
/// </summary>
internal static class CartEndpoints
{
    public static RouteGroupBuilder MapCarts(this RouteGroupBuilder carts)
    {
        carts.MapGet("/{customerId:guid}", GetAsync).WithName("GetCart").RequireAuthorization(Access.Customers).ProducesProblems(404);
        carts.MapPut("/{customerId:guid}/items/{productId:guid}", SetItemAsync).WithName("SetCartItem").RequireAuthorization(Access.Customers)
            .AcceptsIfMatch().ProducesProblems(404, 422, 503);
        carts.MapDelete("/{customerId:guid}/items/{productId:guid}", RemoveItemAsync).WithName("RemoveCartItem")
            .RequireAuthorization(Access.Customers).AcceptsIfMatch().ProducesProblems(404);
        carts.MapDelete("/{customerId:guid}", ClearAsync).WithName("ClearCart").RequireAuthorization(Access.Customers)
            .AcceptsIfMatch().ProducesProblems(404);
        carts.MapPut("/{customerId:guid}/coupon", ApplyCouponAsync).WithName("ApplyCartCoupon").RequireAuthorization(Access.Customers)
            .AcceptsIfMatch().ProducesProblems(404, 422, 503);
        carts.MapDelete("/{customerId:guid}/coupon", RemoveCouponAsync).WithName("RemoveCartCoupon").RequireAuthorization(Access.Customers)
            .AcceptsIfMatch().ProducesProblems(404);
        return carts;
    }

    internal static ProblemHttpResult NoSuchCart(Guid customerId) => Problems.NotFound($"No cart of customer {customerId}.");

    private static async Task<Results<Ok<CartResponse>, ProblemHttpResult>> GetAsync(
        Guid customerId,
        Caller caller,
        HttpContext http,
        ShoppingCartDbContext db,
        [FromKeyedServices(ShoppingCartContext.Name)] IPricingApi pricing,
        IOptions<AbandonmentOptions> options,
        ILogger<ShoppingCartDbContext> logger,
        CancellationToken ct)
    {
        if (!caller.MayActFor(customerId))
        {
            return NoSuchCart(customerId);
        }

        var cart = await CartPricing.LoadAsync(db, customerId, tracked: false, ct);
        if (cart is not null)
        {
            http.Response.Headers.ETag = ETags.For(cart.Version);
        }

        return TypedResults.Ok(await CartPricing.PriceAsync(db, pricing, customerId, cart, options.Value, logger, ct));
    }

    private static async Task<Results<Ok<CartResponse>, ValidationProblem, ProblemHttpResult>> SetItemAsync(
        Guid customerId,
        Guid productId,
        SetCartItemRequest request,
        Caller caller,
        HttpContext http,
        ShoppingCartDbContext db,
        [FromKeyedServices(ShoppingCartContext.Name)] IProductApi products,
        [FromKeyedServices(ShoppingCartContext.Name)] IPricingApi pricing,
        TimeProvider time,
        IOptions<AbandonmentOptions> options,
        ILogger<ShoppingCartDbContext> logger,
        CancellationToken ct)
    {
        // Another customer's cart answers as one that does not exist, whatever the request holds.
        if (!caller.MayActFor(customerId))
        {
            return NoSuchCart(customerId);
        }

        if (request.Quantity is < 1 or > CartLimits.MaxQuantity)
        {
            return Problems.Validation("quantity", $"Between 1 and {CartLimits.MaxQuantity}.");
        }

        if (!IfMatch.TryParse(http.Request, out _))
        {
            return IfMatch.Malformed();
        }

        var product = await CacheHandlers.FindOrFetchProductAsync(db, products, productId, ct);
        if (product is null)
        {
            return Problems.Unprocessable($"Product {productId} does not exist.");
        }

        if (!product.Active)
        {
            return Problems.Unprocessable($"Product {productId} ({product.Sku}) is discontinued and cannot be added.");
        }

        for (var attempt = 0; ; attempt++)
        {
            var cart = await CartPricing.LoadAsync(db, customerId, tracked: true, ct);
            if (cart is null)
            {
                // The first add creates the cart: there is no version yet for an If-Match to name.
                if (http.Request.Headers.IfMatch.Any(v => !string.IsNullOrWhiteSpace(v)))
                {
                    return Problems.Conflict($"Customer {customerId} has no cart for If-Match to match; reload and retry.");
                }

                var now = time.GetUtcNow();
                cart = new Cart { Id = Guid.CreateVersion7(), CustomerId = customerId, CreatedAt = now, UpdatedAt = now, LastActivityAt = now };
                db.Carts.Add(cart);
                var line = NewLine(cart, product, request.Quantity, now);
                db.CartLines.Add(line);
                db.AddEvent(new ItemAddedToCart(cart.Id, customerId, productId, request.Quantity, request.Quantity), cart.Id.ToString(), cart.Version, now);
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException exception) when (attempt == 0 && Checks.IsUniqueViolation(exception))
                {
                    db.ChangeTracker.Clear(); // a concurrent first add made the cart: change that one
                    continue;
                }

                http.Response.Headers.ETag = ETags.For(cart.Version);
                return TypedResults.Ok(await CartPricing.PriceAsync(db, pricing, customerId, cart, options.Value, logger, ct));
            }

            var changed = await db.ChangeAsync(http, cart, "", (c, now) => SetQuantity(db, c, product, request.Quantity, now), ct);
            return changed.Problem is { } problem
                ? problem
                : TypedResults.Ok(await CartPricing.PriceAsync(db, pricing, customerId, cart, options.Value, logger, ct));
        }
    }

    private static Change<ItemAddedToCart> SetQuantity(ShoppingCartDbContext db, Cart cart, CachedProduct product, int quantity, DateTimeOffset now)
    {
        var line = cart.Lines.FirstOrDefault(l => l.ProductId == product.ProductId);
        if (cart.Lines.FirstOrDefault(l => l != line)?.Currency is { } currency && currency != product.Currency)
        {
            return Problems.Unprocessable($"The cart holds prices in {currency}; product {product.Sku} is priced in {product.Currency}.");
        }

        if (line is null)
        {
            if (cart.Lines.Count >= CartLimits.MaxLines)
            {
                return Problems.Unprocessable($"The cart is full: at most {CartLimits.MaxLines} products.", "Cart is full");
            }

            db.CartLines.Add(NewLine(cart, product, quantity, now));
            cart.Touch(now);
            return new ItemAddedToCart(cart.Id, cart.CustomerId, product.ProductId, quantity, quantity);
        }

        if (line.Quantity == quantity)
        {
            return Change<ItemAddedToCart>.None;
        }

        var added = quantity - line.Quantity;
        line.Quantity = quantity;
        line.PriceWhenAdded = product.Price;
        line.Currency = product.Currency;
        cart.Touch(now);
        return added > 0 ? new ItemAddedToCart(cart.Id, cart.CustomerId, product.ProductId, added, quantity) : Change<ItemAddedToCart>.Unannounced;
    }

    private static CartLine NewLine(Cart cart, CachedProduct product, int quantity, DateTimeOffset now) => new()
    {
        CartId = cart.Id,
        ProductId = product.ProductId,
        Quantity = quantity,
        PriceWhenAdded = product.Price,
        Currency = product.Currency,
        AddedAt = now,
    };

    private static async Task<Results<Ok<CartResponse>, ProblemHttpResult>> RemoveItemAsync(
        Guid customerId,
        Guid productId,
        Caller caller,
        HttpContext http,
        ShoppingCartDbContext db,
        [FromKeyedServices(ShoppingCartContext.Name)] IPricingApi pricing,
        IOptions<AbandonmentOptions> options,
        ILogger<ShoppingCartDbContext> logger,
        CancellationToken ct) =>
        await ChangeCartAsync(customerId, caller, http, db, pricing, options, logger, ct, (cart, _) =>
        {
            if (cart.Lines.FirstOrDefault(l => l.ProductId == productId) is not { } line)
            {
                return Change<ItemAddedToCart>.None; // already gone: the repeat of a removal
            }

            db.CartLines.Remove(line);
            cart.Lines.Remove(line);
            return Change<ItemAddedToCart>.Unannounced;
        });

    /// <summary>Empties the cart by deleting it; a customer without a cart has nothing to clear (204 all the same).</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> ClearAsync(
        Guid customerId, Caller caller, HttpContext http, ShoppingCartDbContext db, CancellationToken ct)
    {
        if (!IfMatch.TryParse(http.Request, out _))
        {
            return IfMatch.Malformed();
        }

        if (!caller.MayActFor(customerId))
        {
            return NoSuchCart(customerId);
        }

        var cart = await CartPricing.LoadAsync(db, customerId, tracked: true, ct);
        if (cart is null)
        {
            return TypedResults.NoContent();
        }

        var changed = await db.ChangeAsync(http, cart, "", (c, _) =>
        {
            db.Carts.Remove(c);
            return Change<ItemAddedToCart>.Unannounced;
        }, ct);
        http.Response.Headers.Remove("ETag"); // the cart is gone: no version to name
        return changed.Problem is { } problem ? problem : TypedResults.NoContent();
    }

    /// <summary>Keeps the coupon only when a quote with it succeeds: 422 with Promotion's reason otherwise, nothing stored.</summary>
    private static async Task<Results<Ok<CartResponse>, ValidationProblem, ProblemHttpResult>> ApplyCouponAsync(
        Guid customerId,
        ApplyCouponRequest request,
        Caller caller,
        HttpContext http,
        ShoppingCartDbContext db,
        [FromKeyedServices(ShoppingCartContext.Name)] IPricingApi pricing,
        IOptions<AbandonmentOptions> options,
        ILogger<ShoppingCartDbContext> logger,
        CancellationToken ct)
    {
        if (!caller.MayActFor(customerId))
        {
            return NoSuchCart(customerId);
        }

        // The code is never echoed: a mistyped code may be anything the customer pasted.
        var errors = new ValidationErrors()
            .Check(IsCouponCode(request.Code), "code", $"3 to {CartLimits.CouponCode} letters, digits, '-' or '_'.")
            .NoCardNumber(request.Code, "code");
        if (errors.Any)
        {
            return errors.Problem();
        }

        if (!IfMatch.TryParse(http.Request, out _))
        {
            return IfMatch.Malformed();
        }

        var cart = await CartPricing.LoadAsync(db, customerId, tracked: true, ct);
        if (cart is null || cart.Lines.Count == 0)
        {
            return Problems.Unprocessable("The cart is empty: add products before a coupon.");
        }

        QuoteResponse? quote = null;
        var changed = await db.ChangeAsync<Cart, ItemAddedToCart>(http, cart, "", async (c, now) =>
        {
            var products = await CartPricing.ProductsOfAsync(db, c, ct);
            var onSale = c.Lines.Where(l => products.GetValueOrDefault(l.ProductId)?.Active == true).ToList();
            if (onSale.Count == 0)
            {
                return Problems.Unprocessable("No product in the cart is on sale: remove the discontinued ones first.");
            }

            var attempt = await CartPricing.QuoteAsync(pricing, customerId, onSale, request.Code.ToUpperInvariant(), logger, ct);
            if (attempt.Refusal is { } refusal)
            {
                return Problems.Unprocessable(refusal, "Coupon not usable");
            }

            if (attempt.Quote is null)
            {
                return Problems.Unavailable("Pricing unavailable", "The coupon could not be checked; nothing was changed. Retry later.");
            }

            quote = attempt.Quote;
            var code = attempt.Quote.CouponCode ?? request.Code.ToUpperInvariant();
            var promotionId = attempt.Quote.Promotions.FirstOrDefault(p => string.Equals(p.CouponCode, code, StringComparison.OrdinalIgnoreCase))?.PromotionId;
            if (c.CouponCode == code && c.CouponPromotionId == promotionId)
            {
                return Change<ItemAddedToCart>.None;
            }

            c.CouponCode = code;
            c.CouponPromotionId = promotionId;
            c.Touch(now);
            return Change<ItemAddedToCart>.Unannounced;
        }, ct);
        return changed.Problem is { } problem
            ? problem
            : TypedResults.Ok(await CartPricing.PriceAsync(db, pricing, customerId, cart, options.Value, logger, ct, quote));
    }

    private static async Task<Results<Ok<CartResponse>, ProblemHttpResult>> RemoveCouponAsync(
        Guid customerId,
        Caller caller,
        HttpContext http,
        ShoppingCartDbContext db,
        [FromKeyedServices(ShoppingCartContext.Name)] IPricingApi pricing,
        IOptions<AbandonmentOptions> options,
        ILogger<ShoppingCartDbContext> logger,
        CancellationToken ct) =>
        await ChangeCartAsync(customerId, caller, http, db, pricing, options, logger, ct, (cart, _) =>
        {
            if (cart.CouponCode is null)
            {
                return Change<ItemAddedToCart>.None;
            }

            cart.CouponCode = null;
            cart.CouponPromotionId = null;
            return Change<ItemAddedToCart>.Unannounced;
        });

    /// <summary>A change announced to nobody (removals), through the pipeline; without a cart there is nothing to change.</summary>
    private static async Task<Results<Ok<CartResponse>, ProblemHttpResult>> ChangeCartAsync(
        Guid customerId,
        Caller caller,
        HttpContext http,
        ShoppingCartDbContext db,
        IPricingApi pricing,
        IOptions<AbandonmentOptions> options,
        ILogger logger,
        CancellationToken ct,
        Func<Cart, DateTimeOffset, Change<ItemAddedToCart>> decide)
    {
        if (!IfMatch.TryParse(http.Request, out _))
        {
            return IfMatch.Malformed();
        }

        if (!caller.MayActFor(customerId))
        {
            return NoSuchCart(customerId);
        }

        var cart = await CartPricing.LoadAsync(db, customerId, tracked: true, ct);
        if (cart is null)
        {
            return TypedResults.Ok(await CartPricing.PriceAsync(db, pricing, customerId, null, options.Value, logger, ct));
        }

        var changed = await db.ChangeAsync(http, cart, "", (c, now) =>
        {
            var change = decide(c, now);
            if (change.Changed)
            {
                c.Touch(now);
            }

            return change;
        }, ct);
        return changed.Problem is { } problem ? problem : TypedResults.Ok(await CartPricing.PriceAsync(db, pricing, customerId, cart, options.Value, logger, ct));
    }

    private static bool IsCouponCode(string? code) =>
        code is { Length: >= 3 and <= CartLimits.CouponCode } && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
