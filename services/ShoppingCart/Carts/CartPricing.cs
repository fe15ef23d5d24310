using System.Net;
using System.Text.Json;
using Commerce.Pricing.Contracts;
using Commerce.ShoppingCart.Abandonment;
using Commerce.ShoppingCart.Contracts;
using Refit;

namespace Commerce.ShoppingCart.Carts;

/// <summary>What asking Pricing for a quote came to: the quote, Pricing's refusal (422, with its reason), or no answer.</summary>
internal sealed record QuoteAttempt(QuoteResponse? Quote, string? Refusal)
{
    public bool Unreachable => Quote is null && Refusal is null;
}

/// <summary>
/// Prices a cart through Pricing (the owner of prices and discounts) and shapes the answer. A cart is shown whatever
/// Pricing does: a refused coupon is set aside with its reason, and without Pricing the cached prices are shown with
/// no discounts (<see cref="CartResponse.PricedAt"/> null) — never a 5xx for a read.
/// </summary>
internal static class CartPricing
{
    public static async Task<QuoteAttempt> QuoteAsync(
        IPricingApi pricing, Guid customerId, IEnumerable<CartLine> lines, string? couponCode, ILogger logger, CancellationToken ct)
    {
        try
        {
            var request = new CreateQuoteRequest(customerId, [.. lines.Select(l => new QuoteLineRequest(l.ProductId, l.Quantity))], couponCode);
            return new QuoteAttempt(await pricing.CreateQuoteAsync(request, ct), null);
        }
        catch (ApiException exception) when (exception.StatusCode == HttpStatusCode.UnprocessableEntity)
        {
            return new QuoteAttempt(null, DetailOf(exception) ?? "Pricing refused the quote.");
        }
        catch (Exception exception) when (exception is ApiException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            // Includes Pricing's 503 (Promotion could not check the coupon) and a host that does not run Pricing (404).
            logger.LogWarning(exception, "Pricing did not quote the cart of customer {CustomerId}", customerId);
            return new QuoteAttempt(null, null);
        }
    }

    /// <summary>The problem details' detail, as Promotion or Pricing worded it.</summary>
    public static string? DetailOf(ApiException exception)
    {
        if (string.IsNullOrWhiteSpace(exception.Content))
        {
            return null;
        }

        try
        {
            using var problem = JsonDocument.Parse(exception.Content);
            foreach (var field in (string[])["detail", "title"])
            {
                if (problem.RootElement.ValueKind == JsonValueKind.Object
                    && problem.RootElement.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    return value.GetString();
                }
            }
        }
        catch (JsonException)
        {
            // Not problem details: the caller words the refusal itself.
        }

        return null;
    }

    /// <summary>The cart with its lines (tracked when it is to be changed), or null when the customer has none.</summary>
    public static Task<Cart?> LoadAsync(ShoppingCartDbContext db, Guid customerId, bool tracked, CancellationToken ct)
    {
        var carts = tracked ? db.Carts : db.Carts.AsNoTracking();
        return carts.Include(c => c.Lines).FirstOrDefaultAsync(c => c.CustomerId == customerId, ct);
    }

    public static async Task<Dictionary<Guid, CachedProduct>> ProductsOfAsync(ShoppingCartDbContext db, Cart cart, CancellationToken ct)
    {
        var ids = cart.Lines.Select(l => l.ProductId).ToList();
        return await db.Products.AsNoTracking().Where(p => ids.Contains(p.ProductId)).ToDictionaryAsync(p => p.ProductId, ct);
    }

    /// <summary>
    /// The cart priced now: the lines still on sale are quoted with the cart's coupon; a refused coupon is quoted
    /// without (its reason in CouponProblem); no quote at all falls back to the cached prices. <paramref name="quoted"/>
    /// is a quote already made for exactly this cart (applying a coupon), so Pricing is not asked twice.
    /// </summary>
    public static async Task<CartResponse> PriceAsync(
        ShoppingCartDbContext db,
        IPricingApi pricing,
        Guid customerId,
        Cart? cart,
        AbandonmentOptions options,
        ILogger logger,
        CancellationToken ct,
        QuoteResponse? quoted = null)
    {
        var customerName = await db.Customers.AsNoTracking()
            .Where(c => c.CustomerId == customerId && !c.Deleted).Select(c => c.Name).FirstOrDefaultAsync(ct);
        if (cart is null)
        {
            return new CartResponse(null, customerId, customerName, null, [], null, null, [], 0m, 0m, 0m, null, null, null, 0);
        }

        var products = await ProductsOfAsync(db, cart, ct);
        var onSale = cart.Lines.Where(l => products.GetValueOrDefault(l.ProductId)?.Active == true).ToList();
        var quote = quoted;
        string? couponProblem = null;
        if (quote is null && onSale.Count > 0)
        {
            var attempt = await QuoteAsync(pricing, customerId, onSale, cart.CouponCode, logger, ct);
            if (attempt.Quote is null && cart.CouponCode is not null)
            {
                var withoutCoupon = await QuoteAsync(pricing, customerId, onSale, null, logger, ct);
                if (withoutCoupon.Quote is not null)
                {
                    couponProblem = attempt.Refusal ?? "The coupon could not be checked right now.";
                    attempt = withoutCoupon;
                }
            }

            quote = attempt.Quote;
        }

        return Shape(cart, customerName, products, quote, couponProblem, options) with
        {
            CouponPromotion = await CouponPromotionOfAsync(db, cart, quote, ct),
        };
    }

    /// <summary>
    /// The cached promotion of the cart's coupon: the one the accepting quote named when the coupon was applied (a cart
    /// from before that was recorded: the one this quote names for the coupon). Null without a coupon, or before
    /// Promotion's event has arrived.
    /// </summary>
    public static async Task<CouponPromotion?> CouponPromotionOfAsync(ShoppingCartDbContext db, Cart cart, QuoteResponse? quote, CancellationToken ct)
    {
        if (cart.CouponCode is null)
        {
            return null;
        }

        var promotionId = cart.CouponPromotionId
            ?? quote?.Promotions.FirstOrDefault(p => string.Equals(p.CouponCode, cart.CouponCode, StringComparison.OrdinalIgnoreCase))?.PromotionId;
        return promotionId is null
            ? null
            : await db.Promotions.AsNoTracking().Where(p => p.PromotionId == promotionId)
                .Select(p => new CouponPromotion(p.PromotionId, p.Name, p.StartsAt, p.EndsAt, p.Active)).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// Subtotal is the lines' unit prices times quantities, Discount everything the quote took off (line and order
    /// adjustments), Total what the customer would pay (the quote's total). Lines no longer on sale count for nothing.
    /// </summary>
    private static CartResponse Shape(
        Cart cart, string? customerName, Dictionary<Guid, CachedProduct> products, QuoteResponse? quote, string? couponProblem, AbandonmentOptions options)
    {
        var lines = new List<CartLineResponse>();
        foreach (var line in cart.Lines.OrderBy(l => l.AddedAt).ThenBy(l => l.ProductId))
        {
            var product = products.GetValueOrDefault(line.ProductId);
            var available = product?.Active == true;
            var quotedLine = quote?.Lines.FirstOrDefault(q => q.ProductId == line.ProductId);
            var unitPrice = quotedLine?.UnitPrice ?? product?.Price ?? line.PriceWhenAdded;
            var discount = quotedLine?.LineDiscount ?? 0m;
            var total = quotedLine?.LineTotal ?? (available ? unitPrice * line.Quantity : 0m);
            lines.Add(new CartLineResponse(
                line.ProductId,
                quotedLine?.Sku ?? product?.Sku ?? "",
                quotedLine?.Name ?? product?.Name ?? "",
                line.Quantity,
                line.PriceWhenAdded,
                unitPrice,
                unitPrice != line.PriceWhenAdded,
                discount,
                total,
                available,
                line.AddedAt));
        }

        var counted = lines.Where(l => l.Available).ToList();
        var subtotal = counted.Sum(l => l.UnitPrice * l.Quantity);
        var grandTotal = quote?.Total ?? counted.Sum(l => l.LineTotal);
        var currency = quote?.Currency ?? cart.Lines.Select(l => products.GetValueOrDefault(l.ProductId)?.Currency ?? l.Currency).FirstOrDefault();
        var promotions = quote?.Promotions.Select(p => new CartPromotion(p.PromotionId, p.Name, p.CouponCode, p.Discount)).ToList() ?? [];
        return new CartResponse(
            cart.Id,
            cart.CustomerId,
            customerName,
            currency,
            lines,
            cart.CouponCode,
            couponProblem,
            promotions,
            subtotal,
            subtotal - grandTotal,
            grandTotal,
            quote?.CreatedAt,
            cart.UpdatedAt,
            cart.LastActivityAt + options.ExpireAfter,
            cart.Version);
    }
}
