using Commerce.Promotion.Contracts;

namespace Commerce.Promotion;

/// <summary>A promotion (named apart from the namespace so <c>Promotion</c> stays unambiguous): its terms and window.</summary>
public sealed class Campaign : IVersionedAggregate
{
    public required Guid Id { get; init; }

    string IVersionedAggregate.AggregateId => Id.ToString();

    public required string Name { get; init; }

    public required string Description { get; init; }

    public required DiscountKind Kind { get; init; }

    public required decimal Value { get; init; }

    public required string Currency { get; init; }

    public required PromotionScope Scope { get; init; }

    public List<Guid> ProductIds { get; init; } = [];

    /// <summary>Kept as given; matched case-insensitively.</summary>
    public List<string> Categories { get; init; } = [];

    public string? MinimumMembership { get; init; }

    public decimal? MinimumOrderTotal { get; init; }

    public required DateTimeOffset StartsAt { get; init; }

    public required DateTimeOffset EndsAt { get; init; }

    public required bool RequiresCoupon { get; init; }

    /// <summary>Indexed with StartsAt and EndsAt: the schedule sweeper finds what is due by them after any restart.</summary>
    public PromotionStatus Status { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public int Version { get; set; } = 1;

    public PromotionTerms Terms => new(Kind, Value, Currency, Scope, [.. ProductIds], [.. Categories], MinimumMembership, MinimumOrderTotal);

    /// <summary>
    /// Discounts at <paramref name="now"/>: within its window and not ended. The window decides, so a promotion whose
    /// start the sweeper has not reached yet is already usable, and one past its end no longer is, swept or not.
    /// </summary>
    public bool IsLiveAt(DateTimeOffset now) =>
        Status is PromotionStatus.Scheduled or PromotionStatus.Active && StartsAt <= now && now < EndsAt;

    public PromotionResponse ToResponse() =>
        new(Id, Name, Description, Terms, StartsAt, EndsAt, RequiresCoupon, Status, CreatedAt, Version);
}

/// <summary>A code of a promotion that requires one. <see cref="Used"/> moves only under a lock on the row.</summary>
public sealed class Coupon
{
    public required string Code { get; init; }

    public required Guid PromotionId { get; init; }

    public int? UsageLimit { get; init; }

    public required int PerCustomerLimit { get; init; }

    public Guid? CustomerId { get; init; }

    /// <summary>The abandoned cart a win-back coupon was issued for (unique: one per cart).</summary>
    public Guid? SourceCartId { get; init; }

    public int Used { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public CouponResponse ToResponse() => new(Code, PromotionId, UsageLimit, PerCustomerLimit, CustomerId, Used, CreatedAt);
}

/// <summary>One claimed use of a coupon for an order, by the saga's idempotency key; kept after release for accounting.</summary>
public sealed class Redemption
{
    public required string Key { get; init; }

    public required string Code { get; init; }

    public required Guid PromotionId { get; init; }

    public required Guid CustomerId { get; init; }

    public required Guid OrderId { get; init; }

    public required decimal Discount { get; init; }

    public required string Currency { get; init; }

    public RedemptionStatus Status { get; set; }

    public required DateTimeOffset ClaimedAt { get; init; }

    public DateTimeOffset? ReleasedAt { get; set; }

    public int Version { get; set; } = 1;

    public RedemptionResponse ToResponse() =>
        new(Key, Code, PromotionId, CustomerId, OrderId, Discount, Currency, Status, ClaimedAt, ReleasedAt, Version);
}

/// <summary>Customer's membership level of one customer, cached from its events (Standard when never heard of).</summary>
public sealed class CustomerTier : ICachedCopy
{
    public required Guid CustomerId { get; init; }

    public required string Membership { get; set; }

    public required int SourceVersion { get; set; }

    public required DateTimeOffset UpdatedAt { get; set; }
}
