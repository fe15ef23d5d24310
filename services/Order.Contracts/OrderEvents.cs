namespace Commerce.Order.Contracts;

// Event payloads; the envelope carries event id, type, aggregate id (= order id), aggregate version, occurred-at.

/// <param name="Discount">What pricing rules and promotions took off the line (0 for orders priced without a quote).</param>
public sealed record OrderLine(Guid ProductId, string Sku, string ProductName, decimal UnitPrice, int Quantity, decimal Discount = 0);

/// <param name="Total">What the customer pays, after every discount.</param>
/// <param name="CouponCode">The coupon the order was priced with, if any.</param>
public sealed record OrderCreated(
    Guid OrderId, Guid CustomerId, IReadOnlyList<OrderLine> Lines, decimal Total, string Currency, string? CouponCode = null);

public sealed record OrderSubmitted(
    Guid OrderId,
    Guid CustomerId,
    IReadOnlyList<OrderLine> Lines,
    decimal Total,
    string Currency,
    AddressSnapshot BillingAddress,
    AddressSnapshot ShippingAddress);

public sealed record OrderConfirmed(Guid OrderId, Guid CustomerId);

public sealed record OrderCancelled(Guid OrderId, Guid CustomerId, OrderStatus PreviousStatus, string Reason);

public sealed record OrderShipped(Guid OrderId, Guid CustomerId, string? Note);

public sealed record OrderDelivered(Guid OrderId, Guid CustomerId);
