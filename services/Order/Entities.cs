using Commerce.Order.Contracts;

namespace Commerce.Order;

public sealed class Order : IVersionedAggregate
{
    public required Guid Id { get; init; }

    string IVersionedAggregate.AggregateId => Id.ToString();

    public required Guid CustomerId { get; init; }

    public OrderStatus Status { get; set; }

    public required string Currency { get; init; }

    public required decimal Total { get; init; }

    /// <summary>What order-wide promotions took off the lines' totals (Total is after it).</summary>
    public decimal OrderDiscount { get; init; }

    /// <summary>The coupon the order was priced with (upper-case); the saga claims its use at submission.</summary>
    public string? CouponCode { get; init; }

    /// <summary>The Pricing quote the prices came from; null when they were snapshotted from Product.</summary>
    public Guid? QuoteId { get; init; }

    public List<PromotionSnapshot> Promotions { get; init; } = [];

    /// <summary>The Idempotency-Key the order was created with, if any (unique per customer).</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Snapshotted at submission; never changes afterwards.</summary>
    public Address? BillingAddress { get; set; }

    public Address? ShippingAddress { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public int Version { get; set; }

    public List<OrderItem> Items { get; init; } = [];

    public List<OrderHistoryEntry> History { get; init; } = [];
}

/// <summary>A line with the product's SKU, name and unit price as they were when the order was created.</summary>
public sealed class OrderItem
{
    public required Guid Id { get; init; }

    /// <summary>1-based position as submitted.</summary>
    public required int LineNumber { get; init; }

    public required Guid ProductId { get; init; }

    public required string Sku { get; init; }

    public required string ProductName { get; init; }

    public required decimal UnitPrice { get; init; }

    public required int Quantity { get; init; }

    /// <summary>What the quote's rules and promotions took off this line; the line's total is UnitPrice × Quantity less it.</summary>
    public decimal Discount { get; init; }

    public decimal LineTotal => (UnitPrice * Quantity) - Discount;
}

/// <summary>A promotion the order's quote applied, snapshotted with the order.</summary>
public sealed class PromotionSnapshot
{
    public required Guid PromotionId { get; init; }

    public required string Name { get; init; }

    public string? CouponCode { get; init; }

    public required decimal Discount { get; init; }
}

public sealed class OrderHistoryEntry
{
    public required Guid Id { get; init; }

    public OrderStatus? From { get; init; }

    public required OrderStatus To { get; init; }

    public required DateTimeOffset At { get; init; }

    public string? Note { get; init; }
}

public sealed class Address
{
    public required string Recipient { get; init; }

    public required string Line1 { get; init; }

    public string? Line2 { get; init; }

    public required string City { get; init; }

    public string? Region { get; init; }

    public required string PostalCode { get; init; }

    public required string Country { get; init; }
}

/// <summary>What Order knows about a customer from Customer's events and API (display only).</summary>
public sealed class CachedCustomer : ICachedCopy
{
    public required Guid CustomerId { get; init; }

    public required string Name { get; set; }

    public required string Email { get; set; }

    /// <summary>From CustomerSuspended: the customer's orders are no longer submitted.</summary>
    public bool Suspended { get; set; }

    public int SourceVersion { get; set; }
}

/// <summary>What Order knows about a product from Product's events and API (display only; prices are snapshotted from the API).</summary>
public sealed class CachedProduct : ICachedCopy
{
    public required Guid ProductId { get; init; }

    public required string Sku { get; set; }

    public required string Name { get; set; }

    public decimal? Price { get; set; }

    public string? Currency { get; set; }

    public bool Discontinued { get; set; }

    public int SourceVersion { get; set; }
}
