namespace Commerce.Payment.Gateway;

/// <summary>
/// The card processor at the edge. It alone sees card numbers (in <see cref="TokenizeAsync"/>); everything else
/// refers to its tokens and authorization references. Declines come back as results; retryable trouble
/// (errors, timeouts, outages) as <see cref="PaymentGatewayUnavailableException"/>.
/// </summary>
public interface IPaymentGateway
{
    Task<CardToken> TokenizeAsync(CardDetails card, CancellationToken cancellationToken);

    Task<GatewayResult> AuthorizeAsync(
        string token, decimal amount, string currency, string idempotencyKey, CancellationToken cancellationToken);

    Task<GatewayResult> CaptureAsync(string authorization, decimal amount, string idempotencyKey, CancellationToken cancellationToken);

    Task<GatewayResult> VoidAsync(string authorization, string idempotencyKey, CancellationToken cancellationToken);

    Task<GatewayResult> RefundAsync(string authorization, decimal amount, string idempotencyKey, CancellationToken cancellationToken);
}

/// <remarks>A class, not a record, so the card number never shows up in a generated ToString.</remarks>
public sealed class CardDetails(string number, int expiryMonth, int expiryYear, string? securityCode)
{
    public string Number { get; } = number;

    public int ExpiryMonth { get; } = expiryMonth;

    public int ExpiryYear { get; } = expiryYear;

    public string? SecurityCode { get; } = securityCode;

    public override string ToString() => "CardDetails(redacted)";
}

public sealed record CardToken(string Token, string Brand, string Last4);

public sealed record GatewayResult(bool Approved, string? Reference, string? FailureCode)
{
    public static GatewayResult Approve(string reference) => new(true, reference, null);

    public static GatewayResult Decline(string code) => new(false, null, code);
}

/// <summary>The gateway could not give an answer; the same request may succeed later.</summary>
public sealed class PaymentGatewayUnavailableException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
