using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Commerce.Payment;

/// <summary>Problem details, validation and version checks the endpoints share.</summary>
internal static class Http
{
    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static ProblemHttpResult Unprocessable(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Rule violated");

    public static ProblemHttpResult VersionConflict(int current) =>
        TypedResults.Problem(
            "The resource was changed by someone else; reload it and retry.",
            statusCode: StatusCodes.Status409Conflict,
            title: "Version conflict",
            extensions: new Dictionary<string, object?> { ["currentVersion"] = current });

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>
    /// Reads an optional <c>If-Match</c> of the form <c>"3"</c>, <c>W/"3"</c> or <c>3</c>. False when the header is
    /// present but is not a version.
    /// </summary>
    public static bool TryReadIfMatch(HttpContext context, out int? expectedVersion)
    {
        expectedVersion = null;
        var value = context.Request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        var trimmed = value.Trim();
        if (trimmed.StartsWith("W/", StringComparison.Ordinal))
        {
            trimmed = trimmed[2..];
        }

        if (int.TryParse(trimmed.Trim('"'), out var version))
        {
            expectedVersion = version;
            return true;
        }

        return false;
    }

    public static void SetETag(HttpContext context, int version) => context.Response.Headers.ETag = $"\"{version}\"";

    public static bool IsUniqueViolation(DbUpdateException exception) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}

/// <summary>Collects field errors for a validation problem (400).</summary>
internal sealed class Validation
{
    private readonly Dictionary<string, List<string>> errors = [];

    public bool IsValid => errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var messages))
        {
            errors[field] = messages = [];
        }

        messages.Add(message);
    }

    public void Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "Required.");
        }
        else if (value.Length > maxLength)
        {
            Add(field, $"At most {maxLength} characters.");
        }
    }

    public void Optional(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"At most {maxLength} characters.");
        }
    }

    public void Currency(string field, string? value)
    {
        if (value is null || value.Length != 3 || !value.All(char.IsAsciiLetterUpper))
        {
            Add(field, "A three-letter upper-case ISO 4217 code, e.g. USD.");
        }
    }

    public ValidationProblem Problem() =>
        TypedResults.ValidationProblem(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
}
