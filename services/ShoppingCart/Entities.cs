namespace Commerce.ShoppingCart;

/// <summary>
/// A customer's one cart (unique by customer). <see cref="LastActivityAt"/> is what abandonment and expiry are
/// measured from (an indexed column, so the sweeper's query stays one index range scan); <see cref="AbandonedAt"/>
/// marks the idle spell already announced, and every change clears it.
/// </summary>
public sealed class Cart : IVersionedAggregate
{
    public required Guid Id { get; init; }

    string IVersionedAggregate.AggregateId => Id.ToString();

    public required Guid CustomerId { get; init; }

    /// <summary>Upper-case, as Promotion keeps codes; checked through a quote when applied.</summary>
    public string? CouponCode { get; set; }

    /// <summary>The promotion the coupon belongs to, as the quote that accepted it named it: the cached promotion shown with it.</summary>
    public Guid? CouponPromotionId { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; set; }

    public required DateTimeOffset LastActivityAt { get; set; }

    public DateTimeOffset? AbandonedAt { get; set; }

    public int Version { get; set; } = 1;

    public List<CartLine> Lines { get; init; } = [];

    /// <summary>Every change a customer makes: the idle clock restarts and the cart is no longer abandoned.</summary>
    public void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        LastActivityAt = now;
        AbandonedAt = null;
    }
}

public sealed class CartLine
{
    public required Guid CartId { get; init; }

    public required Guid ProductId { get; init; }

    public required int Quantity { get; set; }

    /// <summary>The product's price (from the product cache) when the line was added or its quantity last changed.</summary>
    public required decimal PriceWhenAdded { get; set; }

    public required string Currency { get; set; }

    public required DateTimeOffset AddedAt { get; init; }
}

/// <summary>
/// A checkout that made an order, by the customer's Idempotency-Key: written before the order is submitted, so a
/// retried or concurrent checkout with the same key answers from the same order instead of making another.
/// Kept 30 days (retention).
/// </summary>
public sealed class CartConversion
{
    public required Guid CustomerId { get; init; }

    public required string IdempotencyKey { get; init; }

    public required Guid CartId { get; init; }

    /// <summary>The cart's version the order was made from: a repeat deletes the cart only while it is still that cart.</summary>
    public required int CartVersion { get; init; }

    public required Guid OrderId { get; init; }

    public required decimal Total { get; init; }

    public required string Currency { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Product's state as of <see cref="SourceVersion"/> (from its events, or its API when an add finds no copy).</summary>
public sealed class CachedProduct : ICachedCopy
{
    public required Guid ProductId { get; init; }

    public required string Sku { get; set; }

    public required string Name { get; set; }

    public required string Category { get; set; }

    public required decimal Price { get; set; }

    public required string Currency { get; set; }

    public required bool Active { get; set; }

    public required int SourceVersion { get; set; }
}

/// <summary>The customer's display name; a deleted customer stays as a tombstone so an older event cannot bring them back.</summary>
public sealed class CachedCustomer : ICachedCopy
{
    public required Guid CustomerId { get; init; }

    public required string Name { get; set; }

    public required bool Deleted { get; set; }

    public required int SourceVersion { get; set; }
}

/// <summary>
/// A promotion's name and window, nothing more: the quote says what a promotion takes off a cart; this only names
/// the promotions running now, for a cart priced without Pricing.
/// </summary>
public sealed class CachedPromotion : ICachedCopy
{
    public required Guid PromotionId { get; init; }

    public required string Name { get; set; }

    public DateTimeOffset? StartsAt { get; set; }

    public DateTimeOffset? EndsAt { get; set; }

    public required bool Active { get; set; }

    public required int SourceVersion { get; set; }
}

internal static class CartLimits
{
    public const int MaxLines = 50;
    public const int MaxQuantity = Contracts.SetCartItemRequest.MaxQuantity;
    public const int CouponCode = 32;
    public const int IdempotencyKey = 100;
    public const int Sku = 64;
    public const int Name = 200;
    public const int Category = 100;
    public const int PromotionName = 200;
}
