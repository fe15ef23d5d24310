namespace Commerce.Order.Contracts;

/// <summary>Created → Submitted → Confirmed → Shipped → Delivered; Cancelled from any state before Shipped.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OrderStatus>))]
public enum OrderStatus
{
    Created,
    Submitted,
    Confirmed,
    Shipped,
    Delivered,
    Cancelled,
}

public sealed record CreateOrderItem(Guid ProductId, int Quantity);

/// <summary>
/// Prices are not sent. Without a quote each item's SKU, name and unit price are snapshotted from Product at creation.
/// With <paramref name="QuoteId"/> (a Pricing quote of this customer, not expired, for exactly these items) the
/// quote's prices, discounts and coupon are snapshotted instead.
/// </summary>
public sealed record CreateOrderRequest(
    Guid CustomerId,
    [property: MaxLength(CreateOrderRequest.MaxItems)] IReadOnlyList<CreateOrderItem> Items,
    Guid? QuoteId = null)
{
    public const int MaxItems = 50;
}

/// <summary>Which of the customer's addresses to snapshot; the customer's defaults when omitted.</summary>
public sealed record SubmitOrderRequest(Guid? BillingAddressId = null, Guid? ShippingAddressId = null);

public sealed record CancelOrderRequest(string Reason);

/// <summary>An optional note recorded in the status history (e.g. a tracking number on ship).</summary>
public sealed record OrderTransitionRequest(string? Note = null);

public sealed record AddressSnapshot(
    string Recipient,
    string Line1,
    string? Line2,
    string City,
    string? Region,
    string PostalCode,
    string Country);

/// <param name="UnitPrice">The unit price snapshotted at creation, before the line's discounts.</param>
/// <param name="LineTotal">UnitPrice × Quantity − Discount.</param>
/// <param name="Discount">What the quote's pricing rules and promotions took off this line (0 without a quote).</param>
public sealed record OrderItemResponse(
    Guid ProductId, string Sku, string ProductName, decimal UnitPrice, int Quantity, decimal LineTotal, decimal Discount = 0);

/// <summary>A promotion the order's quote applied, as snapshotted: its name, its coupon code if any, and what it took off.</summary>
/// <param name="CampaignName">The campaign's current name, from Order's cache of Promotion events (null until reported).</param>
/// <param name="EndsAt">When the campaign's window closes (cached; null until its activation is reported).</param>
/// <param name="Active">Whether the campaign discounts now (cached; null until reported). The discount above never changes.</param>
public sealed record OrderPromotion(
    Guid PromotionId, string Name, string? CouponCode, decimal Discount, string? CampaignName = null, DateTimeOffset? EndsAt = null, bool? Active = null);

/// <summary>The order's stock reservation as Inventory last reported it.</summary>
/// <param name="Status">Reserved, Committed, Released, Expired or Fulfilled.</param>
/// <param name="ExpiresAt">When a held reservation lapses unless committed; null once it no longer can.</param>
public sealed record OrderReservation(string Status, DateTimeOffset? ExpiresAt = null);

/// <summary>The order's payment as Payment last reported it.</summary>
/// <param name="Status">Authorized, Captured, Failed, Voided or Refunded.</param>
/// <param name="Amount">What was authorized, then what was captured; null while only a later refund has been reported.</param>
/// <param name="Refunded">What has been refunded in all; null until a refund.</param>
public sealed record OrderPayment(string Status, decimal? Amount, string Currency, decimal? Refunded = null);

/// <summary>The order's shipment as Shipping last reported it.</summary>
/// <param name="Carrier">Null until the shipment's creation is reported.</param>
/// <param name="Status">LabelCreated, InTransit or Delivered.</param>
/// <param name="Location">Where the latest tracking update placed it (null once delivered).</param>
public sealed record OrderShipment(string? Carrier, string TrackingNumber, string Status, string? Location = null, DateTimeOffset? DeliveredAt = null);

/// <summary>The use of the order's coupon as Promotion last reported it.</summary>
/// <param name="Status">Applied (claimed for this order) or Released (given back).</param>
public sealed record OrderCouponUse(string Code, string Status);

public sealed record OrderStatusChange(OrderStatus? From, OrderStatus To, DateTimeOffset At, string? Note);

/// <param name="CustomerName">From Order's cache of Customer events; null until Customer has reported.</param>
/// <param name="Total">What the customer pays: the lines' totals less <paramref name="OrderDiscount"/>.</param>
/// <param name="OrderDiscount">What order-wide promotions took off the lines' totals (0 without a quote).</param>
/// <param name="CouponCode">The coupon the order was priced with; the saga claims its use at submission.</param>
/// <param name="Promotions">The promotions its quote applied (empty without a quote).</param>
/// <param name="QuoteId">The Pricing quote its prices were snapshotted from; null when they came from Product.</param>
/// <param name="Reservation">Its stock reservation, from Order's cache of Inventory events; null until reported.</param>
/// <param name="Payment">Its payment, from Order's cache of Payment events; null until reported.</param>
/// <param name="Shipment">Its shipment, from Order's cache of Shipping events; null until reported.</param>
/// <param name="CouponUse">Its coupon's use, from Order's cache of Promotion events; null until reported.</param>
public sealed record OrderResponse(
    Guid Id,
    Guid CustomerId,
    string? CustomerName,
    string? CustomerEmail,
    OrderStatus Status,
    string Currency,
    decimal Total,
    IReadOnlyList<OrderItemResponse> Items,
    AddressSnapshot? BillingAddress,
    AddressSnapshot? ShippingAddress,
    IReadOnlyList<OrderStatusChange> History,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version,
    decimal OrderDiscount = 0,
    string? CouponCode = null,
    IReadOnlyList<OrderPromotion>? Promotions = null,
    Guid? QuoteId = null,
    OrderReservation? Reservation = null,
    OrderPayment? Payment = null,
    OrderShipment? Shipment = null,
    OrderCouponUse? CouponUse = null);

public sealed record OrderSummary(Guid Id, Guid CustomerId, OrderStatus Status, string Currency, decimal Total, int ItemCount,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version);

public sealed record OrderPage(IReadOnlyList<OrderSummary> Items, int Page, int PageSize, int TotalCount);
