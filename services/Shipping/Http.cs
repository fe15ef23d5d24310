using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Commerce.Shipping;

/// <summary>Small checks the endpoints share beyond ServiceDefaults' Problems, ETags and ValidationErrors.</summary>
internal static class Http
{
    public static bool IsUniqueViolation(DbUpdateException exception) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
