namespace Commerce.ShoppingCart.Contracts;

/// <summary>Sets a line's quantity (adding the product when the cart lacks it): 1 to <see cref="MaxQuantity"/>.</summary>
public sealed record SetCartItemRequest(int Quantity)
{
    public const int MaxQuantity = 999;
}

public sealed record ApplyCouponRequest(string Code);

/// <summary>The card was tokenized earlier through Payment's methods endpoint.</summary>
public sealed record CheckoutCartRequest(Guid PaymentMethodId);

/// <param name="PriceWhenAdded">The unit price the customer saw when the line was added (or its quantity last changed).</param>
/// <param name="UnitPrice">The unit price now (Pricing's quote on this read), before the line's discounts.</param>
/// <param name="PriceChanged">UnitPrice differs from PriceWhenAdded: worth showing before checkout.</param>
/// <param name="Available">The product is still active (a discontinued one must be removed before checkout).</param>
public sealed record CartLineResponse(
    Guid ProductId,
    string Sku,
    string Name,
    int Quantity,
    decimal PriceWhenAdded,
    decimal UnitPrice,
    bool PriceChanged,
    decimal LineDiscount,
    decimal LineTotal,
    bool Available,
    DateTimeOffset AddedAt);

/// <summary>A promotion the cart's prices include (from the quote).</summary>
public sealed record CartPromotion(Guid PromotionId, string Name, string? CouponCode, decimal Discount);

/// <summary>
/// A customer's cart, priced through Pricing on every read. <see cref="PricedAt"/> is null when Pricing could not be
/// reached: the prices are then the cached ones and the totals carry no discounts.
/// </summary>
/// <param name="Id">Null while the customer has no cart (an empty one is shown).</param>
/// <param name="CouponProblem">Why the cart's coupon does not apply right now (expired, used up, …), else null.</param>
/// <param name="ExpiresAt">When the cart is deleted if nothing changes in it (7 days after its last change).</param>
public sealed record CartResponse(
    Guid? Id,
    Guid CustomerId,
    string? CustomerName,
    string? Currency,
    IReadOnlyList<CartLineResponse> Lines,
    string? CouponCode,
    string? CouponProblem,
    IReadOnlyList<CartPromotion> Promotions,
    decimal Subtotal,
    decimal Discount,
    decimal Total,
    DateTimeOffset? PricedAt,
    DateTimeOffset? UpdatedAt,
    DateTimeOffset? ExpiresAt,
    int Version,
    CouponPromotion? CouponPromotion = null);

/// <summary>
/// The promotion the cart's coupon belongs to, as ShoppingCart last heard it from Promotion: its name and window, and
/// whether it still runs (shown even when Pricing cannot be reached).
/// </summary>
public sealed record CouponPromotion(Guid PromotionId, string Name, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, bool Active);

/// <summary>
/// The answer to a checkout: the order made from the cart and its saga's early answer, as a submit's:
/// <c>Accepted</c> or <c>Pending</c> (a rejection is a 422 problem, and the cart is kept).
/// </summary>
public sealed record CartCheckoutResponse(Guid CartId, Guid OrderId, string Outcome, string? Stage, decimal Total, string Currency);
