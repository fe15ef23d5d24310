using System.Globalization;

namespace Commerce.ServiceDefaults.Http;

/// <summary>An aggregate changed through <see cref="AggregateChanges"/>: its id names its events, its version is its ETag.</summary>
public interface IVersionedAggregate
{
    string AggregateId { get; }

    /// <summary>+1 on every change; a concurrency token, so a save over a concurrent change fails.</summary>
    int Version { get; set; }
}

/// <summary>What a change decided: an event to publish, a problem to answer instead, or no change at all.</summary>
public readonly struct Change<TEvent>
    where TEvent : notnull
{
    private Change(TEvent? @event, ProblemHttpResult? problem, bool changed)
    {
        Event = @event;
        Problem = problem;
        Changed = changed;
    }

    /// <summary>Nothing to change (e.g. the price is already that price): nothing saved, the current ETag answered.</summary>
    public static Change<TEvent> None => default;

    /// <summary>The state changed (version +1, saved) but nobody is told (e.g. a declined capture's transaction).</summary>
    public static Change<TEvent> Unannounced => new(default, null, changed: true);

    public TEvent? Event { get; }

    public ProblemHttpResult? Problem { get; }

    public bool Changed { get; }

    public static implicit operator Change<TEvent>(TEvent @event) => new(@event, null, changed: true);

    public static implicit operator Change<TEvent>(ProblemHttpResult problem) => new(default, problem, changed: false);
}

/// <summary>Builds <see cref="Change{TEvent}"/> values where C# cannot infer the event type.</summary>
public static class Change
{
    /// <summary>The change is made; <paramref name="event"/> tells the subscribers (outbox, new version).</summary>
    public static Change<TEvent> Publish<TEvent>(TEvent @event)
        where TEvent : notnull => @event;
}

/// <summary>The pipeline's answer: the aggregate as saved (its ETag already on the response), or the problem.</summary>
public readonly record struct Changed<TAggregate>(TAggregate? Aggregate, ProblemHttpResult? Problem)
    where TAggregate : class;

/// <summary>
/// The one way an endpoint changes an aggregate: If-Match (well-formed, else 400), the aggregate (else 404), If-Match
/// against its version (else 409), the endpoint's rule and change (a problem, an event or nothing), the event into
/// the outbox with the new version, one SaveChanges guarded by the version (a concurrent change: 409), and the new
/// version as the ETag. Map such an endpoint with <see cref="AcceptsIfMatch{TBuilder}"/>.
/// </summary>
public static class AggregateChanges
{
    /// <summary>Marks a route as changing an aggregate through this pipeline: If-Match in its OpenAPI operation, 400 and 409.</summary>
    public static TBuilder AcceptsIfMatch<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(IfMatchMetadata.Instance).ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict);

    /// <inheritdoc cref="ChangeAsync{TAggregate, TEvent}(DbContext, HttpContext, TAggregate, string, Func{TAggregate, DateTimeOffset, Task{Change{TEvent}}}, CancellationToken, Func{TAggregate, bool})"/>
    public static Task<Changed<TAggregate>> ChangeAsync<TAggregate, TEvent>(
        this DbContext db,
        HttpContext http,
        TAggregate? aggregate,
        string notFound,
        Func<TAggregate, DateTimeOffset, Change<TEvent>> decide,
        CancellationToken cancellationToken,
        Func<TAggregate, bool>? isRepeat = null)
        where TAggregate : class, IVersionedAggregate
        where TEvent : notnull =>
        db.ChangeAsync(http, aggregate, notFound, (a, now) => Task.FromResult(decide(a, now)), cancellationToken, isRepeat);

    /// <summary>Runs the pipeline on <paramref name="aggregate"/> (loaded tracked, or null when there is none).</summary>
    /// <param name="decide">The rule and the change: mutates the aggregate and returns its event, or a problem.</param>
    /// <param name="isRepeat">
    /// True when the request's change is already made (an idempotent repeat): answered with the current state before
    /// If-Match is compared, so a retry after a lost response succeeds.
    /// </param>
    public static async Task<Changed<TAggregate>> ChangeAsync<TAggregate, TEvent>(
        this DbContext db,
        HttpContext http,
        TAggregate? aggregate,
        string notFound,
        Func<TAggregate, DateTimeOffset, Task<Change<TEvent>>> decide,
        CancellationToken cancellationToken,
        Func<TAggregate, bool>? isRepeat = null)
        where TAggregate : class, IVersionedAggregate
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(decide);
        if (!IfMatch.TryParse(http.Request, out var ifMatch))
        {
            return new(null, IfMatch.Malformed());
        }

        if (aggregate is null)
        {
            return new(null, Problems.NotFound(notFound));
        }

        if (isRepeat?.Invoke(aggregate) == true)
        {
            return Answer(http, aggregate);
        }

        if (!ifMatch.Matches(aggregate.Version))
        {
            return new(aggregate, ETags.Mismatch(aggregate.Version));
        }

        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var change = await decide(aggregate, now);
        if (change.Problem is { } problem)
        {
            return new(aggregate, problem);
        }

        if (!change.Changed)
        {
            return Answer(http, aggregate);
        }

        aggregate.Version++;
        if (change.Event is { } @event)
        {
            db.AddEvent(@event, aggregate.AggregateId, aggregate.Version, now);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new(aggregate, Problems.Conflict("The resource was changed concurrently; reload and retry."));
        }

        return Answer(http, aggregate);
    }

    private static Changed<TAggregate> Answer<TAggregate>(HttpContext http, TAggregate aggregate)
        where TAggregate : class, IVersionedAggregate
    {
        http.Response.Headers.ETag = ETags.For(aggregate.Version);
        return new(aggregate, null);
    }
}

/// <summary>The If-Match precondition (RFC 9110 §13.1.1) with aggregate versions as entity tags.</summary>
public sealed class IfMatch
{
    private static readonly IfMatch AnyVersion = new(null);

    private readonly IReadOnlyList<string>? tags;

    private IfMatch(IReadOnlyList<string>? tags) => this.tags = tags;

    /// <summary>The versions the header names; null when any version matches (no header, or <c>*</c>).</summary>
    public IReadOnlyList<int>? Versions => tags?
        .Select(t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1)
        .Where(v => v >= 0).ToList();

    /// <summary>
    /// Absent: unconditional. <c>*</c>: any existing version. Otherwise a comma-separated list of entity tags, strong
    /// (<c>"3"</c>) or weak (<c>W/"3"</c>), compared by their opaque value with the version. Anything else
    /// (an unquoted number, a stray quote, <c>*</c> in a list) is malformed.
    /// </summary>
    public static bool TryParse(HttpRequest request, out IfMatch ifMatch)
    {
        ArgumentNullException.ThrowIfNull(request);
        ifMatch = AnyVersion;
        var values = request.Headers.IfMatch;
        if (values.Count == 0 || values.All(string.IsNullOrWhiteSpace))
        {
            return true;
        }

        var items = string.Join(',', values.Where(v => !string.IsNullOrWhiteSpace(v)))
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (items is ["*"])
        {
            return true;
        }

        var tags = new List<string>(items.Length);
        foreach (var item in items)
        {
            var tag = item.StartsWith("W/", StringComparison.Ordinal) ? item[2..] : item;
            if (tag.Length < 2 || tag[0] != '"' || tag[^1] != '"' || !tag[1..^1].All(IsETagChar))
            {
                return false;
            }

            tags.Add(tag[1..^1]);
        }

        ifMatch = new IfMatch(tags);
        return tags.Count > 0;
    }

    public bool Matches(int version) =>
        tags is null || tags.Contains(version.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal);

    /// <summary>400: the If-Match header is not <c>*</c> or a list of entity tags.</summary>
    public static ProblemHttpResult Malformed() =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>
        {
            ["If-Match"] = ["*, or entity tags such as \"3\" or W/\"3\" separated by commas."],
        })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more validation errors occurred.",
        });

    // etagc = %x21 / %x23-7E / obs-text: visible characters except the double quote.
    private static bool IsETagChar(char c) => c == '!' || (c >= '#' && c <= '~') || c >= '\u0080';
}

/// <summary>Route metadata: the endpoint changes an aggregate through <see cref="AggregateChanges"/> and honours If-Match.</summary>
public sealed class IfMatchMetadata
{
    public static IfMatchMetadata Instance { get; } = new();

    private IfMatchMetadata()
    {
    }
}
