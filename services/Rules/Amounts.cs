namespace Commerce.Rules;

/// <summary>
/// Money as every context stores it (prices, order totals, payments: numeric(18,2)): positive, whole cents, below
/// <see cref="Limit"/>. One rule, so an order total Product's prices add up to is one Payment can authorize, and a
/// figure past it is refused where it enters (400 for a field, 422 for a total) instead of overflowing a column.
/// </summary>
public static class Amounts
{
    /// <summary>Sixteen integer digits: the largest amount numeric(18,2) holds is just below it.</summary>
    public const decimal Limit = 10_000_000_000_000_000m;

    public static bool IsValid(decimal amount) => amount > 0 && amount == decimal.Round(amount, 2) && amount < Limit;
}
