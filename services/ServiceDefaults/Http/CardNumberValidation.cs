using Commerce.Rules;

namespace Commerce.ServiceDefaults.Http;

/// <summary>The card-number guard (<see cref="CardNumbers"/>) as a validation rule for every service's free text.</summary>
public static class CardNumberValidation
{
    /// <summary>Adds an error when <paramref name="value"/> contains a card number (the number is never echoed back).</summary>
    public static ValidationErrors NoCardNumber(this ValidationErrors errors, string? value, string field)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Check(!CardNumbers.Contains(value), field, "Must not contain a card number.");
    }
}
