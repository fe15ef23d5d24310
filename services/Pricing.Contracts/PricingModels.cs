namespace Commerce.Pricing.Contracts;

[JsonConverter(typeof(JsonStringEnumConverter<PricingRuleKind>))]
public enum PricingRuleKind
{
    /// <summary>A sale price for one product, in force between StartsAt and EndsAt; replaces the base price.</summary>
    SalePrice,

    /// <summary>Percent off a line of at least MinimumQuantity units, of one product, one category or (neither) every product.</summary>
    QuantityTier,

    /// <summary>Percent off every line for customers at Membership level exactly.</summary>
    MembershipDiscount,
}

/// <summary>
/// An operator's pricing rule. Which fields a kind needs: SalePrice — ProductId, SalePrice, Currency, StartsAt,
/// EndsAt; QuantityTier — MinimumQuantity, Percent, optionally ProductId or Category (not both); MembershipDiscount —
/// Membership (Standard, Silver, Gold, Platinum), Percent. StartsAt/EndsAt bound any kind when given.
/// </summary>
public sealed record PricingRuleRequest(
    PricingRuleKind Kind,
    string Name,
    Guid? ProductId = null,
    string? Category = null,
    int? MinimumQuantity = null,
    decimal? Percent = null,
    string? Membership = null,
    decimal? SalePrice = null,
    string? Currency = null,
    DateTimeOffset? StartsAt = null,
    DateTimeOffset? EndsAt = null);

/// <param name="Retired">Retired rules no longer apply; they stay listed for the record.</param>
public sealed record PricingRuleResponse(
    Guid Id,
    PricingRuleKind Kind,
    string Name,
    Guid? ProductId,
    string? Category,
    int? MinimumQuantity,
    decimal? Percent,
    string? Membership,
    decimal? SalePrice,
    string? Currency,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    bool Retired,
    DateTimeOffset CreatedAt,
    int Version);

public sealed record PricingRulePage(IReadOnlyList<PricingRuleResponse> Items);

public sealed record QuoteLineRequest(Guid ProductId, int Quantity);

/// <summary>Prices these lines for this customer now; with a coupon code, Promotion validates it first.</summary>
public sealed record CreateQuoteRequest(
    Guid CustomerId,
    [property: MaxLength(CreateQuoteRequest.MaxLines)] IReadOnlyList<QuoteLineRequest> Lines,
    string? CouponCode = null)
{
    public const int MaxLines = 50;
}

[JsonConverter(typeof(JsonStringEnumConverter<AdjustmentSource>))]
public enum AdjustmentSource
{
    PricingRule,
    Promotion,
}

/// <summary>One step of a line's or the order's price: what applied and how much it took off (a positive amount).</summary>
public sealed record PriceAdjustment(AdjustmentSource Source, Guid SourceId, string Description, decimal Amount);

/// <param name="BasePrice">Product's price for one unit.</param>
/// <param name="UnitPrice">The unit price charged before the line's discounts: the sale price when one is in force, else the base price.</param>
/// <param name="Adjustments">In the order they applied: quantity tier, membership, then promotions of product or category scope.</param>
/// <param name="LineDiscount">The sum of <paramref name="Adjustments"/>.</param>
/// <param name="LineTotal">UnitPrice × Quantity − LineDiscount.</param>
public sealed record QuoteLine(
    Guid ProductId,
    string Sku,
    string Name,
    string Category,
    int Quantity,
    decimal BasePrice,
    decimal UnitPrice,
    IReadOnlyList<PriceAdjustment> Adjustments,
    decimal LineDiscount,
    decimal LineTotal);

/// <summary>A promotion the quote applied, and what it took off in all (its lines' share plus its order-level share).</summary>
public sealed record AppliedPromotion(Guid PromotionId, string Name, string? CouponCode, decimal Discount);

/// <summary>
/// A price quote, kept until <see cref="ExpiresAt"/> so Order can snapshot exactly these prices. Amounts are in
/// <see cref="Currency"/>, rounded to its minor unit (cents) at every step, half away from zero.
/// </summary>
/// <param name="Subtotal">The sum of the lines' totals.</param>
/// <param name="OrderAdjustments">Promotions of order scope, applied to the subtotal.</param>
/// <param name="Total">Subtotal − the order adjustments; what the customer pays.</param>
/// <param name="CouponCode">The coupon the quote applied (upper-case), null without one.</param>
public sealed record QuoteResponse(
    Guid QuoteId,
    Guid CustomerId,
    string Currency,
    IReadOnlyList<QuoteLine> Lines,
    decimal Subtotal,
    IReadOnlyList<PriceAdjustment> OrderAdjustments,
    decimal Total,
    IReadOnlyList<AppliedPromotion> Promotions,
    string? CouponCode,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt);

/// <summary>
/// How much shoppers want a product, counted from ShoppingCart's ItemAddedToCart events (operators; the rules may use it).
/// </summary>
/// <param name="UnitsAdded">Units added to carts in all (each raise of a line's quantity counts what it added).</param>
/// <param name="Carts">Carts the product was put into (a line's first addition to a cart).</param>
/// <param name="LastAddedAt">When a cart last added it.</param>
public sealed record ProductDemandResponse(Guid ProductId, long UnitsAdded, long Carts, DateTimeOffset LastAddedAt);
