namespace Commerce.Payment.Contracts;

[JsonConverter(typeof(JsonStringEnumConverter<PaymentStatus>))]
public enum PaymentStatus
{
    Authorized,
    Captured,
    Voided,
    PartiallyRefunded,
    Refunded,
    Failed,
}

[JsonConverter(typeof(JsonStringEnumConverter<TransactionKind>))]
public enum TransactionKind
{
    Authorize,
    Capture,
    Void,
    Refund,
}

/// <summary>
/// The card number goes to the gateway adapter only, which swaps it for a token; Payment keeps brand, last four
/// digits, expiry and the (encrypted) token, never the number or the security code.
/// </summary>
public sealed record AddPaymentMethodRequest(
    Guid CustomerId,
    string CardNumber,
    int ExpiryMonth,
    int ExpiryYear,
    string? SecurityCode = null);

public sealed record PaymentMethodResponse(
    Guid Id,
    Guid CustomerId,
    string Brand,
    string Last4,
    int ExpiryMonth,
    int ExpiryYear,
    bool Removed,
    int Version);

/// <summary>Sent with an <c>Idempotency-Key</c> header: a repeat returns the original result and charges nothing more.</summary>
/// <param name="CustomerId">
/// The order's customer: a card that is not theirs is refused (422) like an unknown one. Required; optional in the
/// record only because it was added after the others.
/// </param>
public sealed record AuthorizePaymentRequest(Guid OrderId, Guid PaymentMethodId, decimal Amount, string Currency, Guid? CustomerId = null);

/// <param name="Amount">Defaults to the whole authorized amount.</param>
public sealed record CapturePaymentRequest(decimal? Amount = null);

/// <param name="Amount">Defaults to everything captured and not yet refunded.</param>
public sealed record RefundPaymentRequest(decimal? Amount = null, string? Reason = null);

/// <param name="InProgress">
/// The gateway's answer is not recorded yet (a retry with <paramref name="IdempotencyKey"/> finishes it); until then no
/// other capture, void or refund of the payment is accepted.
/// </param>
public sealed record PaymentTransactionResponse(
    Guid Id,
    TransactionKind Kind,
    decimal Amount,
    bool Succeeded,
    string? FailureCode,
    string IdempotencyKey,
    DateTimeOffset OccurredAt,
    bool InProgress = false);

public sealed record PaymentResponse(
    Guid Id,
    Guid OrderId,
    Guid PaymentMethodId,
    decimal Amount,
    string Currency,
    PaymentStatus Status,
    decimal CapturedAmount,
    decimal RefundedAmount,
    string? FailureCode,
    IReadOnlyList<PaymentTransactionResponse> Transactions,
    int Version,
    PaymentCustomerResponse? Customer = null);

/// <summary>The card holder's billing name and e-mail as Payment last heard them from Customer (null until it has).</summary>
public sealed record PaymentCustomerResponse(string Name, string Email);

public sealed record GatewayOutageRequest(bool Enabled);

public sealed record GatewayOutageResponse(bool Enabled);

/// <summary>
/// Card numbers that make the simulated gateway fail deterministically (every one passes the Luhn check).
/// Any other valid number succeeds.
/// </summary>
public static class TestCards
{
    public const string Success = "4242424242424242";
    public const string Declined = "4000000000000002";
    public const string InsufficientFunds = "4000000000009995";
    public const string TransientError = "4000000000000119";
    public const string Timeout = "4000000000000259";
    public const string Outage = "4000000000000341";
}

/// <summary>Failure codes in problem details (extension <c>code</c>) and in PaymentFailed events.</summary>
public static class PaymentFailureCodes
{
    public const string Declined = "card_declined";
    public const string InsufficientFunds = "insufficient_funds";
    public const string TransientError = "gateway_error";
    public const string Timeout = "gateway_timeout";
    public const string Outage = "gateway_unavailable";
}
