namespace Commerce.Notification.Contracts;

[JsonConverter(typeof(JsonStringEnumConverter<DeliveryChannel>))]
public enum DeliveryChannel
{
    Email,
    Sms,
    Push,
}

[JsonConverter(typeof(JsonStringEnumConverter<DeliveryStatus>))]
public enum DeliveryStatus
{
    /// <summary>Waiting for its first attempt or for a retry after a failure.</summary>
    Pending,
    Sent,
    /// <summary>Gave up after the last retry.</summary>
    Failed,
}

/// <summary>Subject and body use {{placeholders}} filled from the notification's data.</summary>
public sealed record TemplateRequest(string Subject, string Body);

public sealed record TemplateResponse(string Key, string Subject, string Body, int Version);

/// <summary>
/// Sends a template to a customer on each channel the customer accepts (or only <see cref="Channel"/> when given).
/// <see cref="IdempotencyKey"/> makes a repeat a no-op.
/// </summary>
public sealed record SendNotificationRequest(
    Guid CustomerId,
    string TemplateKey,
    [property: MaxLength(SendNotificationRequest.MaxDataEntries)] IReadOnlyDictionary<string, string>? Data = null,
    DeliveryChannel? Channel = null,
    string? IdempotencyKey = null)
{
    public const int MaxDataEntries = 50;
}

public sealed record NotificationResponse(
    Guid Id,
    Guid CustomerId,
    string TemplateKey,
    DeliveryChannel Channel,
    string Recipient,
    string Subject,
    string Body,
    DeliveryStatus Status,
    int Attempts,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt,
    DateTimeOffset? NextAttemptAt,
    int Version);

/// <summary>What a simulated channel delivered (the "outbox" of the fake e-mail/SMS/push provider).</summary>
public sealed record SentMessage(Guid NotificationId, DeliveryChannel Channel, string Recipient, string Subject, string Body, DateTimeOffset SentAt);

public sealed record ChannelFailureRequest(bool Enabled);

public sealed record ChannelFailureResponse(DeliveryChannel Channel, bool Failing);

/// <summary>Template keys the events Notification reacts to use (seeded, editable).</summary>
public static class TemplateKeys
{
    public const string OrderConfirmed = "order-confirmed";
    public const string OrderShipped = "order-shipped";
    public const string OrderDelivered = "order-delivered";
    public const string OrderCancelled = "order-cancelled";
    public const string PaymentFailed = "payment-failed";
    public const string CartAbandoned = "cart-abandoned";
    public const string CouponIssued = "coupon-issued";

    /// <summary>To a seller's contact e-mail: one of its products fell to its reorder point in a warehouse.</summary>
    public const string SellerLowStock = "seller-low-stock";

    public const string ReviewRejected = "review-rejected";

    /// <summary>Where the customer's parcel is (every carrier tracking update).</summary>
    public const string ShipmentTracking = "shipment-tracking";

    public const string PaymentRefunded = "payment-refunded";
}
