namespace Commerce.Promotion.Contracts;

// Event payloads. Promotion events: aggregate id = promotion id, version = the promotion's version. Redemption events:
// aggregate id = the redemption's key, version = the redemption's version.

/// <summary>The promotion's window opened: it discounts from now until <see cref="EndsAt"/> (Pricing and Order cache it).</summary>
public sealed record PromotionActivated(
    Guid PromotionId,
    string Name,
    PromotionTerms Terms,
    bool RequiresCoupon,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt);

/// <summary>The promotion no longer discounts: its window closed, or an operator deactivated it.</summary>
public sealed record PromotionExpired(Guid PromotionId, string Name, PromotionStatus Status);

/// <summary>A coupon's use was claimed for a submitted order (→ Order, Customer).</summary>
public sealed record PromotionApplied(Guid PromotionId, string Code, Guid CustomerId, Guid OrderId, decimal Discount, string Currency);

/// <summary>The use was given back: the order was rejected or cancelled.</summary>
public sealed record PromotionUseReleased(Guid PromotionId, string Code, Guid CustomerId, Guid OrderId);

/// <summary>A personal coupon was issued to a customer (a win-back offer after an abandoned cart): Notification tells them.</summary>
public sealed record CouponIssued(Guid PromotionId, string Code, Guid CustomerId, string PromotionName, DateTimeOffset ValidUntil);
