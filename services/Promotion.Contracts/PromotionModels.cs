namespace Commerce.Promotion.Contracts;

[JsonConverter(typeof(JsonStringEnumConverter<DiscountKind>))]
public enum DiscountKind
{
    /// <summary><see cref="PromotionTerms.Value"/> percent off (more than 0, at most 100).</summary>
    Percentage,

    /// <summary><see cref="PromotionTerms.Value"/> off, in <see cref="PromotionTerms.Currency"/>: per unit for a product or category scope, once for an order scope.</summary>
    FixedAmount,
}

[JsonConverter(typeof(JsonStringEnumConverter<PromotionScope>))]
public enum PromotionScope
{
    /// <summary>The order's subtotal, after every line's own prices and discounts.</summary>
    Order,

    /// <summary>The lines of <see cref="PromotionTerms.ProductIds"/>.</summary>
    Products,

    /// <summary>The lines whose product is in one of <see cref="PromotionTerms.Categories"/> (case-insensitive).</summary>
    Categories,
}

/// <summary>Scheduled → Active (at StartsAt) → Expired (at EndsAt); Deactivated by an operator at any time. Only Active ones discount.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PromotionStatus>))]
public enum PromotionStatus
{
    Scheduled,
    Active,
    Expired,
    Deactivated,
}

[JsonConverter(typeof(JsonStringEnumConverter<RedemptionStatus>))]
public enum RedemptionStatus
{
    /// <summary>The coupon's use counts against its limits (the order was submitted with it).</summary>
    Claimed,

    /// <summary>Given back: the order was rejected or cancelled, and the use no longer counts.</summary>
    Released,
}

/// <summary>
/// What a promotion gives and to whom; the same shape in requests, responses and events (Pricing computes discounts
/// from it, Promotion checks eligibility with it).
/// </summary>
/// <param name="Currency">The currency of a FixedAmount value, and of <paramref name="MinimumOrderTotal"/>; a quote in
/// another currency does not qualify. Required for every kind, so a promotion never applies across currencies.</param>
/// <param name="ProductIds">The products of a Products scope (empty otherwise).</param>
/// <param name="Categories">The categories of a Categories scope (empty otherwise).</param>
/// <param name="MinimumMembership">One of Customer's membership levels (Standard, Silver, Gold, Platinum): customers
/// below it do not qualify. Null: everyone.</param>
/// <param name="MinimumOrderTotal">The subtotal the order must reach before this promotion applies. Null: any.</param>
public sealed record PromotionTerms(
    DiscountKind Kind,
    decimal Value,
    string Currency,
    PromotionScope Scope,
    [property: MaxLength(PromotionTerms.MaxScopeEntries)] IReadOnlyList<Guid>? ProductIds = null,
    [property: MaxLength(PromotionTerms.MaxScopeEntries)] IReadOnlyList<string>? Categories = null,
    string? MinimumMembership = null,
    decimal? MinimumOrderTotal = null)
{
    public const int MaxScopeEntries = 100;
}

/// <param name="RequiresCoupon">True: applies only to a quote that names one of its coupon codes. False: applies to
/// every qualifying quote while active (an automatic promotion; coupons for it are refused).</param>
public sealed record CreatePromotionRequest(
    string Name,
    PromotionTerms Terms,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    bool RequiresCoupon,
    string? Description = null);

public sealed record PromotionResponse(
    Guid Id,
    string Name,
    string Description,
    PromotionTerms Terms,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    bool RequiresCoupon,
    PromotionStatus Status,
    DateTimeOffset CreatedAt,
    int Version);

public sealed record PromotionPage(IReadOnlyList<PromotionResponse> Items);

/// <param name="Code">Letters, digits, '-' and '_', 3 to 32 characters; matched case-insensitively and kept upper-case.</param>
/// <param name="UsageLimit">Uses across all customers; null: unlimited.</param>
/// <param name="PerCustomerLimit">Uses per customer (at least 1).</param>
/// <param name="CustomerId">A personal code (e.g. a win-back coupon): only this customer may use it.</param>
public sealed record CreateCouponRequest(string Code, int? UsageLimit = null, int PerCustomerLimit = 1, Guid? CustomerId = null);

/// <param name="Used">Claimed uses that were not given back.</param>
public sealed record CouponResponse(
    string Code,
    Guid PromotionId,
    int? UsageLimit,
    int PerCustomerLimit,
    Guid? CustomerId,
    int Used,
    DateTimeOffset CreatedAt);

/// <summary>A line of the quote a coupon is checked against (after the line's own prices and discounts).</summary>
public sealed record CouponCheckLine(Guid ProductId, string Category, decimal LineTotal);

/// <summary>Is the code usable by this customer for these lines now? Pricing asks while quoting.</summary>
/// <param name="Code">Matched case-insensitively; a value that is not of a coupon code's form (3 to 32 letters, digits,
/// '-' and '_') is a 400, an unknown code a 422.</param>
public sealed record ValidateCouponRequest(
    string Code,
    Guid CustomerId,
    string Currency,
    [property: MaxLength(ValidateCouponRequest.MaxLines)] IReadOnlyList<CouponCheckLine> Lines)
{
    public const int MaxLines = 100;
}

/// <summary>The coupon is usable: its promotion's terms, for the caller to compute the discount with.</summary>
public sealed record CouponValidation(string Code, Guid PromotionId, string PromotionName, PromotionTerms Terms, DateTimeOffset EndsAt);

/// <summary>
/// Claims one use of a coupon for an order (the saga's apply-promotion step). The checks of a validation are made
/// again, under a lock on the coupon, so the limits hold exactly under concurrency.
/// </summary>
/// <param name="Key">Idempotency key: a repeat with the same key and details returns the first claim; the same key
/// with other details is a 409.</param>
/// <param name="Discount">The discount the order carries for it (from its quote), recorded with the use.</param>
public sealed record ClaimCouponRequest(string Key, string Code, Guid CustomerId, Guid OrderId, decimal Discount, string Currency);

public sealed record RedemptionResponse(
    string Key,
    string Code,
    Guid PromotionId,
    Guid CustomerId,
    Guid OrderId,
    decimal Discount,
    string Currency,
    RedemptionStatus Status,
    DateTimeOffset ClaimedAt,
    DateTimeOffset? ReleasedAt,
    int Version);
