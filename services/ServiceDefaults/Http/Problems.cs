using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Commerce.ServiceDefaults.Http;

/// <summary>RFC 9457 responses with the statuses every context uses.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);

    /// <summary>409: an illegal state transition, an If-Match version mismatch or a concurrent update.</summary>
    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    /// <summary>422: well-formed input that breaks a business rule (e.g. not enough stock).</summary>
    public static ProblemHttpResult Unprocessable(string detail, string title = "Business rule violated") =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: title, detail: detail);

    /// <summary>
    /// 503: something this request needs (another context, Temporal, the database) cannot be reached; the caller may
    /// retry after <see cref="RetryAfterSeconds"/> (every 503 problem carries that <c>Retry-After</c>).
    /// </summary>
    public static ProblemHttpResult Unavailable(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: title, detail: detail);

    /// <summary>What every 503 problem says in <c>Retry-After</c>: long enough for a restart or a failover to finish.</summary>
    public const int RetryAfterSeconds = 5;

    public static ValidationProblem Validation(string field, string error) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [error] });
}

/// <summary>Collects field errors; <see cref="Problem"/> turns them into a 400 validation problem.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool Any => errors.Count > 0;

    public ValidationErrors Add(string field, string error)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(error);
        return this;
    }

    /// <summary>Adds <paramref name="error"/> when <paramref name="valid"/> is false.</summary>
    public ValidationErrors Check(bool valid, string field, string error) => valid ? this : Add(field, error);

    /// <summary>Required, trimmed non-empty, at most <paramref name="maxLength"/> characters.</summary>
    public ValidationErrors Text(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Add(field, "Required.");
        }

        return Check(value.Length <= maxLength, field, $"At most {maxLength} characters.");
    }

    public ValidationProblem Problem() =>
        TypedResults.ValidationProblem(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
}

/// <summary>The aggregate version as the entity tag (see <see cref="IfMatch"/> and <see cref="AggregateChanges"/>).</summary>
public static class ETags
{
    public static string For(int version) => $"\"{version}\"";

    /// <summary>409: If-Match names no current version.</summary>
    public static ProblemHttpResult Mismatch(int current) =>
        Problems.Conflict($"If-Match does not match the current version {current}; reload and retry.");
}

/// <summary>
/// Recognises an exception as "a dependency this request needs is unreachable" and names the dependency, for the 503
/// it becomes. ServiceDefaults knows the ones every context has (other contexts over HTTP, PostgreSQL); a module adds
/// its own (Checkout: Temporal) with <c>services.AddSingleton(new UnavailableDependency(...))</c>.
/// </summary>
public sealed record UnavailableDependency(Func<Exception, string?> NameOf)
{
    internal static readonly UnavailableDependency[] BuiltIn =
    [
        new(e => e switch
        {
            HttpRequestException => "A service this one calls",
            Refit.ApiException { StatusCode: >= System.Net.HttpStatusCode.InternalServerError } api => $"A service this one calls ({(int)api.StatusCode} from {api.Uri?.AbsolutePath})",
            TaskCanceledException { InnerException: TimeoutException } => "A service this one calls (timed out)",
            _ => null,
        }),
        new(e => e is NpgsqlException { IsTransient: true } ? "The database" : null),
    ];
}

/// <summary>
/// Turns malformed bodies, lost optimistic-concurrency races and unreachable dependencies into problem details, so
/// no request answers 500 for something the caller did or something that will pass.
/// </summary>
internal sealed class CommerceExceptionHandler(IProblemDetailsService problemDetails, IEnumerable<UnavailableDependency> dependencies) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } => new HttpValidationProblemDetails(ErrorsOf(json))
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request body is not valid JSON for this operation.",
            },
            BadHttpRequestException bad => new ProblemDetails { Status = bad.StatusCode, Title = "Bad request", Detail = bad.Message },
            _ when IsUnstorableText(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Bad request",
                Detail = "The request holds a character PostgreSQL text cannot store (a NUL byte); nothing was written.",
            },
            DbUpdateConcurrencyException => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Conflict",
                Detail = "The resource was changed concurrently; reload and retry.",
            },
            // The caller went away: nobody reads the answer, and it is no fault of ours or theirs to report.
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => null,
            _ when UnavailableOf(exception) is { } dependency => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Temporarily unavailable",
                Detail = $"{dependency} cannot be reached right now; the request was not completed. Retry after {Problems.RetryAfterSeconds} seconds.",
            },
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>The dependency named by the first recogniser that knows the exception or one it wraps.</summary>
    private string? UnavailableOf(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            foreach (var dependency in UnavailableDependency.BuiltIn.Concat(dependencies))
            {
                if (dependency.NameOf(exception) is { } name)
                {
                    return name;
                }
            }
        }

        return null;
    }

    /// <summary>A NUL in any string (body, query or route) fails the statement that carries it: nothing is written.</summary>
    private static bool IsUnstorableText(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter })
            {
                return true;
            }
        }

        return false;
    }

    private static Dictionary<string, string[]> ErrorsOf(JsonException json)
    {
        const string missing = "missing required properties including: ";
        var at = json.Message.IndexOf(missing, StringComparison.Ordinal);
        var field = FieldOf(json.Path);
        if (json is JsonFieldException member)
        {
            return new Dictionary<string, string[]> { [field == "$" ? member.Field : $"{field}.{member.Field}"] = [member.Message] };
        }

        if (at < 0)
        {
            return new Dictionary<string, string[]> { [field] = [FirstSentence(json.Message)] };
        }

        // "...missing required properties including: 'sku', 'quantity'." names every absent field.
        var prefix = field == "$" ? "" : field + ".";
        return json.Message[(at + missing.Length)..]
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(name => prefix + name.Trim('\'', '.'))
            .Distinct(StringComparer.Ordinal)
            .ToDictionary(name => name, _ => new[] { "Required." }, StringComparer.Ordinal);
    }

    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "$" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends "Path: ... | LineNumber: ..." which the field name already says.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
