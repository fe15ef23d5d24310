namespace Commerce.Rules;

/// <summary>
/// Order's rule for why an order is cancelled, applied wherever a reason enters: Order's and Checkout's APIs, the
/// saga's cancel update and signal, the CLI. The reason is stored on the order, kept in the saga's history and sent
/// to the customer, so a reason one of them accepts must never be refused by another.
/// </summary>
public static class CancelReasons
{
    public const int MaxLength = 500;

    /// <summary>Why <paramref name="reason"/> is not acceptable, or null when it is.</summary>
    public static string? Problem(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? "Required."
        : reason.Length > MaxLength ? $"At most {MaxLength} characters."
        : CardNumbers.Contains(reason) ? "Must not contain a card number."
        : null;
}
