using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Commerce.ServiceDefaults.Retention;
using Commerce.ServiceDefaults.Security;

namespace Commerce.ServiceDefaults.Audit;

/// <summary>
/// The audit trail: every write to a context's API (POST, PUT, PATCH, DELETE on its <see cref="ServiceDefaultsExtensions.MapContextGroup"/>
/// routes and its <c>/ops</c> tools) and every operator's read of a route mapped with <see cref="AuditsOperatorReads{TBuilder}"/>
/// leaves one <see cref="AuditRecord"/> in the owning context's schema, written after the endpoint ran, with the
/// status it answered. Requests refused before the endpoint runs (401 and 403 by authorization, 429 by a rate limit,
/// a body that is not JSON of the contract) never reach the owner's code and are not recorded; event deliveries
/// (<c>/events/{context}</c>) are the system's own traffic, recorded by the subscriber's inbox, and caused by a write
/// the publisher audited.
/// </summary>
public static class AuditTrail
{
    /// <summary>The name the retention sweeper knows them by: <c>Commerce:Retention:Records:{Context}:audit-records</c>.</summary>
    public const string RetainedRecordsName = "audit-records";

    /// <summary>
    /// PCI DSS (requirement 10.5.1) keeps audit history for at least twelve months; the database refuses to delete
    /// younger rows (<see cref="AuditMigrations"/>), and a shorter configured retention is refused at start.
    /// </summary>
    public const int MinimumRetentionDays = 365;

    public static readonly TimeSpan MinimumRetention = TimeSpan.FromDays(MinimumRetentionDays);

    /// <summary>A year and a month: the minimum and slack for an audit that looks back over a full year.</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(400);

    internal const int MaxText = 200;

    private const int MaxResourceValues = 20;

    /// <summary>
    /// Operators' reads of this route (or of every route of this group) are audited: it returns customers' personal
    /// data (profiles, addresses, orders, payment methods, notifications, shipments). Customers reading their own
    /// data and services reading what they need are not.
    /// </summary>
    public static TBuilder AuditsOperatorReads<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(OperatorReadsAudited.Instance);

    /// <summary>Audits the routes of <paramref name="group"/> in <paramref name="context"/>'s schema.</summary>
    internal static TBuilder WithAuditTrail<TBuilder>(this TBuilder group, CommerceContextRegistration context, IServiceProvider services)
        where TBuilder : IEndpointConventionBuilder =>
        group.AddEndpointFilter(new AuditFilter(context, services));

    /// <summary>The retention age of each context's audit records may be configured, never below the minimum.</summary>
    internal static void ValidateRetention(IServiceCollection services) =>
        services.AddOptions<RetentionOptions>()
            .Validate(options => options.Records.Values
                    .All(records => records.GetValueOrDefault(RetainedRecordsName, DefaultRetention) >= MinimumRetention),
                $"Commerce:Retention:Records:{{Context}}:{RetainedRecordsName} must be at least {MinimumRetentionDays} days (PCI DSS 10.5.1).")
            .ValidateOnStart();

    internal static string ResourceOf(HttpRequest request, object? result)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.RouteValues)
        {
            if (value?.ToString() is { } text)
            {
                values[Cap(key)] = Cap(text);
            }
        }

        // A listing's subject is in its query (GET /orders?customerId=...).
        foreach (var (key, value) in request.Query.Take(MaxResourceValues))
        {
            values.TryAdd(Cap(key), Cap(value.ToString()));
        }

        if (CreatedLocation(result) is { } location)
        {
            values["location"] = Cap(location);
        }

        return JsonSerializer.Serialize(values);
    }

    internal static int StatusOf(object? result, HttpContext http) =>
        Unwrapped(result) is IStatusCodeHttpResult { StatusCode: { } status } ? status : http.Response.StatusCode;

    [return: NotNullIfNotNull(nameof(text))]
    internal static string? Cap(string? text) => text is { Length: > MaxText } ? text[..MaxText] : text;

    /// <summary>A 201's location: what an anonymous registration or a new order created is named nowhere else.</summary>
    private static string? CreatedLocation(object? result) => Unwrapped(result) switch
    {
        Created created => created.Location,
        { } typed when typed.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(Created<>) =>
            type.GetProperty(nameof(Created.Location))?.GetValue(typed) as string,
        _ => null,
    };

    private static object? Unwrapped(object? result)
    {
        while (result is INestedHttpResult nested)
        {
            result = nested.Result;
        }

        return result;
    }
}

/// <summary>Route metadata: operators' reads of this route are audited (<see cref="AuditTrail.AuditsOperatorReads{TBuilder}"/>).</summary>
public sealed class OperatorReadsAudited
{
    public static readonly OperatorReadsAudited Instance = new();

    private OperatorReadsAudited()
    {
    }
}

/// <summary>
/// Records after the endpoint ran. A write whose record cannot be written still answers what the endpoint decided:
/// its change is committed, and an error would make the caller retry a change that happened; the failure is an
/// error log and the <c>commerce.audit.failures</c> counter, to alert on. An operator's read whose record cannot be
/// written answers 503 instead of the data: nothing is lost by refusing it, and no personal data leaves unaudited.
/// </summary>
internal sealed class AuditFilter(CommerceContextRegistration context, IServiceProvider services) : IEndpointFilter
{
    /// <summary>Not the request's cancellation: a write whose caller went away is audited all the same.</summary>
    private static readonly TimeSpan RecordTimeout = TimeSpan.FromSeconds(10);

    private readonly IServiceScopeFactory scopes = services.GetRequiredService<IServiceScopeFactory>();
    private readonly TimeProvider time = services.GetRequiredService<TimeProvider>();
    private readonly ILogger logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Commerce.Audit");
    private readonly IOptions<AuthenticationSettings> authentication = services.GetRequiredService<IOptions<AuthenticationSettings>>();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        var method = http.Request.Method;
        var write = HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);
        var caller = Caller.From(http.User, authentication.Value.Claims);
        if (!write && !(caller.IsOperator && http.GetEndpoint()?.Metadata.GetMetadata<OperatorReadsAudited>() is not null))
        {
            return await next(invocation);
        }

        var endpoint = http.GetEndpoint();
        var action = endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName
                     ?? $"{method} {(endpoint as RouteEndpoint)?.RoutePattern.RawText}";
        var traceId = Activity.Current?.TraceId.ToHexString();
        AuditRecord Record(int outcome, string resource) => new()
        {
            RecordedAt = time.GetUtcNow(),
            Subject = AuditTrail.Cap(caller.Subject),
            ClientId = AuditTrail.Cap(caller.ClientId),
            Action = AuditTrail.Cap(action),
            Method = method,
            Resource = resource,
            Outcome = outcome,
            TraceId = traceId,
        };

        object? result;
        try
        {
            result = await next(invocation);
        }
        catch (Exception)
        {
            // The exception handler decides the answer (400, 409, 503...): recorded once it is sent, with its status.
            // The resource is read now: the handler clears the route values.
            var resource = AuditTrail.ResourceOf(http.Request, null);
            http.Response.OnCompleted(() => RecordAsync(Record(http.Response.StatusCode, resource), write));
            throw;
        }

        if (!await RecordAsync(Record(AuditTrail.StatusOf(result, http), AuditTrail.ResourceOf(http.Request, result)), write) && !write)
        {
            return Problems.Unavailable("Audit trail unavailable",
                $"{context.Name} cannot record this read of personal data right now, so it does not answer it. Retry after {Problems.RetryAfterSeconds} seconds.");
        }

        return result;
    }

    private async Task<bool> RecordAsync(AuditRecord record, bool write)
    {
        try
        {
            // A scope and DbContext of its own: the endpoint's may hold changes that failed to save, which must not
            // be saved now with the record.
            await using var scope = scopes.CreateAsyncScope();
            var db = context.ResolveDbContext(scope.ServiceProvider);
            db.Set<AuditRecord>().Add(record);
            using var timeout = new CancellationTokenSource(RecordTimeout);
            await db.SaveChangesAsync(timeout.Token);
            return true;
        }
        catch (Exception exception)
        {
            AuditTelemetry.Failed(context.Name, write);
            logger.LogError(exception,
                "{Context} could not audit {Method} {Action} on {Resource} by {Subject} (client {ClientId}), answered {Outcome}, trace {TraceId}",
                context.Name, record.Method, record.Action, record.Resource, record.Subject, record.ClientId, record.Outcome, record.TraceId);
            return false;
        }
    }
}

internal static class AuditTelemetry
{
    public const string Name = "Commerce.Audit";

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Failures = Meter.CreateCounter<long>(
        "commerce.audit.failures", "{record}", "Audit records that could not be written, by context and kind (write, read).");

    public static void Failed(string context, bool write) =>
        Failures.Add(1, new KeyValuePair<string, object?>("commerce.context", context), new("commerce.audit.kind", write ? "write" : "read"));
}
