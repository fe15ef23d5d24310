using System.Text.RegularExpressions;
using Npgsql;

namespace Commerce.ServiceDefaults.Http;

/// <summary>Small checks endpoints share beyond <see cref="Problems"/>, ETags and <see cref="ValidationErrors"/>.</summary>
public static partial class Checks
{
    /// <summary>A unique index refused the row: someone else got there first (a 409, not a 500).</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) =>
        exception?.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>An ISO 4217 code as we store it: three upper-case ASCII letters.</summary>
    public static bool IsCurrencyCode(string? value) => value is { Length: 3 } && value.All(char.IsAsciiLetterUpper);

    /// <summary>
    /// An e-mail address as the shop accepts one (trimmed): no whitespace, control characters or RFC 5322 specials,
    /// which is how markup and mail-header injection arrive (addresses are where Notification writes to).
    /// </summary>
    public static bool IsEmailAddress(string? value) => value is not null && EmailPattern().IsMatch(value.Trim());

    [GeneratedRegex(@"^[^@\s\p{Cc}<>()\[\]\\,;:""]+@[^@\s\p{Cc}<>()\[\]\\,;:""]+\.[^@\s\p{Cc}<>()\[\]\\,;:""]+$")]
    private static partial Regex EmailPattern();
}
