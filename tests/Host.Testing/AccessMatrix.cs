using System.Net.Http.Json;
using System.Text;

namespace Commerce.Host.Testing;

/// <summary>The callers every route is tried as (issue 11's authorization matrix).</summary>
public enum CallerKind
{
    Anonymous,

    /// <summary>A signed-in customer who does not own the resource.</summary>
    OtherCustomer,

    /// <summary>The signed-in customer who owns the resource.</summary>
    Customer,

    Operator,

    /// <summary>A service identity the route does not accept (<see cref="TestIdentity.StrangerClient"/>).</summary>
    WrongService,

    /// <summary>The service identity the route exists for (the saga worker, a subscriber...), named per row.</summary>
    RightService,
}

/// <summary>
/// One row of an authorization matrix: a request and the status each caller gets. A caller left out of
/// <see cref="Expected"/> is not tried (e.g. <see cref="CallerKind.RightService"/> on a route no service calls).
/// Bodies are valid for the route, so an allowed caller gets the route's real answer, not a 400.
/// </summary>
public sealed record AccessCase(string Name, HttpMethod Method, string Path, IReadOnlyDictionary<CallerKind, int> Expected, string? Body = null)
{
    public override string ToString() => Name;
}

/// <summary>Sends an <see cref="AccessCase"/> as each caller and asserts the status, and that refusals are problem details.</summary>
public static class AccessMatrix
{
    /// <summary>
    /// A customer-facing route's expectations, tried in this order: anonymous (401), another customer, the customer,
    /// the operator, a wrong service (403), then the right service when one calls the route.
    /// </summary>
    public static Dictionary<CallerKind, int> Expect(int otherCustomer, int customer, int @operator, int? rightService = null)
    {
        var expected = new Dictionary<CallerKind, int>
        {
            [CallerKind.Anonymous] = 401,
            [CallerKind.OtherCustomer] = otherCustomer,
            [CallerKind.Customer] = customer,
            [CallerKind.Operator] = @operator,
            [CallerKind.WrongService] = 403,
        };
        if (rightService is { } status)
        {
            expected[CallerKind.RightService] = status;
        }

        return expected;
    }

    /// <summary>
    /// A route customers may not call: the refusals first (anonymous 401, customers and a wrong service 403), then the
    /// right service when one calls the route, then the operator — so a refused caller let through would turn the
    /// service's new change into a repeat.
    /// </summary>
    public static AccessCase ServiceRoute(string name, HttpMethod method, string path, int @operator, int? rightService = null, string? body = null)
    {
        var expected = new Dictionary<CallerKind, int>
        {
            [CallerKind.Anonymous] = 401,
            [CallerKind.OtherCustomer] = 403,
            [CallerKind.Customer] = 403,
            [CallerKind.WrongService] = 403,
        };
        if (rightService is { } status)
        {
            expected[CallerKind.RightService] = status;
        }

        expected[CallerKind.Operator] = @operator;
        return new AccessCase(name, method, path, expected, body);
    }

    public static async Task AssertAsync(AccessCase @case, IReadOnlyDictionary<CallerKind, HttpClient> callers)
    {
        ArgumentNullException.ThrowIfNull(@case);
        ArgumentNullException.ThrowIfNull(callers);
        var failures = new List<string>();
        foreach (var (caller, expected) in @case.Expected)
        {
            using var request = new HttpRequestMessage(@case.Method, @case.Path);
            if (@case.Body is not null)
            {
                request.Content = new StringContent(@case.Body, Encoding.UTF8, "application/json");
            }

            using var response = await callers[caller].SendAsync(request);
            var status = (int)response.StatusCode;
            if (status != expected)
            {
                failures.Add($"{caller}: expected {expected}, got {status} {await response.Content.ReadAsStringAsync()}");
            }
            else if (status is 401 or 403 or 404 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{caller}: {status} without problem details");
            }
        }

        Xunit.Assert.True(failures.Count == 0, $"{@case.Name}:\n" + string.Join("\n", failures));
    }
}
