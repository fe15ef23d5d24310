namespace Commerce.Rules;

/// <summary>
/// Keeps card numbers (PANs) out of free text. A card number is taken only by Payment's methods endpoint, which
/// swaps it for a token; anywhere else it would be stored, logged, e-mailed and shown in clear.
/// </summary>
public static class CardNumbers
{
    /// <summary>
    /// True when <paramref name="text"/> holds a run of 13–19 digits (single spaces or dashes between groups
    /// allowed, as people type them) that passes the Luhn check.
    /// </summary>
    public static bool Contains(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        Span<int> digits = stackalloc int[20];
        var count = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : '\0';
            if (char.IsAsciiDigit(c))
            {
                if (count < digits.Length)
                {
                    digits[count] = c - '0';
                }

                count++;
                continue;
            }

            var separates = c is ' ' or '-' && count > 0 && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]);
            if (!separates)
            {
                if (count is >= 13 and <= 19 && PassesLuhn(digits[..count]))
                {
                    return true;
                }

                count = 0;
            }
        }

        return false;
    }

    private static bool PassesLuhn(ReadOnlySpan<int> digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var digit = digits[digits.Length - 1 - i];
            if (i % 2 == 1)
            {
                digit = digit * 2 > 9 ? (digit * 2) - 9 : digit * 2;
            }

            sum += digit;
        }

        return sum % 10 == 0;
    }
}
