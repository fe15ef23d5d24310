using Npgsql;

namespace Commerce.ServiceDefaults.Http;

/// <summary>Small checks endpoints share beyond <see cref="Problems"/>, ETags and <see cref="ValidationErrors"/>.</summary>
public static class Checks
{
    /// <summary>A unique index refused the row: someone else got there first (a 409, not a 500).</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) =>
        exception?.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>An ISO 4217 code as we store it: three upper-case ASCII letters.</summary>
    public static bool IsCurrencyCode(string? value) => value is { Length: 3 } && value.All(char.IsAsciiLetterUpper);
}
