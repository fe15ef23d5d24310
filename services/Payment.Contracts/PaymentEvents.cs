namespace Commerce.Payment.Contracts;

// Event payloads; the envelope carries event id, type, aggregate id (= payment id), aggregate version and occurred-at.

public sealed record PaymentAuthorized(Guid PaymentId, Guid OrderId, Guid CustomerId, decimal Amount, string Currency);

public sealed record PaymentCaptured(Guid PaymentId, Guid OrderId, Guid CustomerId, decimal Amount, string Currency);

/// <summary>A non-retryable failure (declined, insufficient funds). Retryable gateway errors raise no event.</summary>
public sealed record PaymentFailed(
    Guid PaymentId,
    Guid OrderId,
    Guid CustomerId,
    decimal Amount,
    string Currency,
    string FailureCode);

public sealed record PaymentVoided(Guid PaymentId, Guid OrderId, Guid CustomerId, decimal Amount, string Currency);

public sealed record PaymentRefunded(
    Guid PaymentId,
    Guid OrderId,
    Guid CustomerId,
    decimal Amount,
    decimal TotalRefunded,
    string Currency);

/// <summary>A card was tokenized and saved; carries only what may be shown.</summary>
public sealed record PaymentMethodAdded(Guid PaymentMethodId, Guid CustomerId, string Brand, string Last4, int ExpiryMonth, int ExpiryYear);

public sealed record PaymentMethodRemoved(Guid PaymentMethodId, Guid CustomerId);
