namespace Commerce.Activities;

// Inputs and outputs of the saga's activities: one record each, so fields can be added without breaking
// histories already recorded. Each activity is named after the saga step it performs ([Activity("submit-order")]),
// so the Web UI, the worker's logs and the saga's status speak of the same steps.

public sealed record OrderStepInput(Guid OrderId);

public sealed record StockLine(Guid ProductId, string Sku, int Quantity);

/// <param name="CouponCode">The coupon the order was priced with (its use is claimed by the apply-promotion step); null
/// without one, and in histories recorded before coupons existed.</param>
/// <param name="CouponDiscount">What the coupon's promotion took off the order, as its quote said.</param>
public sealed record SubmittedOrder(
    Guid OrderId,
    Guid CustomerId,
    decimal Total,
    string Currency,
    IReadOnlyList<StockLine> Lines,
    string? CouponCode = null,
    decimal CouponDiscount = 0);

public sealed record ApplyPromotionInput(Guid OrderId, Guid CustomerId, string CouponCode, decimal Discount, string Currency);

public sealed record CancelOrderInput(Guid OrderId, string Reason);

public sealed record ReserveStockInput(Guid OrderId, IReadOnlyList<StockLine> Lines);

public sealed record StockReservation(Guid OrderId, DateTimeOffset ExpiresAt);

/// <param name="CustomerId">The order's customer, whose card it must be; null from sagas scheduled before it was sent.</param>
public sealed record AuthorizePaymentInput(Guid OrderId, Guid PaymentMethodId, decimal Amount, string Currency, Guid? CustomerId = null);

public sealed record PaymentAuthorization(Guid PaymentId);

public sealed record PaymentStepInput(Guid OrderId, Guid PaymentId);

public sealed record ShipmentRecord(Guid ShipmentId, string TrackingNumber);

/// <summary>
/// Error types of failures retrying cannot fix. Activities raise them non-retryable; the saga turns them into a
/// rejection with compensation instead of parking the order for an operator.
/// </summary>
public static class BusinessFailures
{
    public const string OutOfStock = "OutOfStock";
    public const string PaymentDeclined = "PaymentDeclined";
    public const string RuleViolated = "RuleViolated";

    public static readonly IReadOnlyList<string> All = [OutOfStock, PaymentDeclined, RuleViolated];
}

/// <summary>Keys that make each mutating call safe to repeat: derived from the order and the step, never random.</summary>
public static class IdempotencyKeys
{
    public static string For(Guid orderId, string step) => $"order-{orderId:N}-{step}";
}
