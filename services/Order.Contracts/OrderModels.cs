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

public sealed record OrderItemResponse(Guid ProductId, string Sku, string ProductName, decimal UnitPrice, int Quantity, decimal LineTotal);

public sealed record OrderStatusChange(OrderStatus? From, OrderStatus To, DateTimeOffset At, string? Note);

/// <param name="CustomerName">From Order's cache of Customer events; null until Customer has reported.</param>
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
    int Version);

public sealed record OrderSummary(Guid Id, Guid CustomerId, OrderStatus Status, string Currency, decimal Total, int ItemCount,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version);

public sealed record OrderPage(IReadOnlyList<OrderSummary> Items, int Page, int PageSize, int TotalCount);
