using System.Net;
using Commerce.Host;
using Commerce.Host.Testing;
using Commerce.Testing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Architecture.Tests;

/// <summary>
/// Every route of every context declares who may call it (issue 11): a policy, or anonymous access — and anonymous
/// only for what a shop shows to everyone. With no credentials, every other route answers 401 problem details.
/// </summary>
public sealed class EndpointPolicyTests : IAsyncLifetime
{
    /// <summary>The published anonymous routes: health, sign-in, registration, catalog browsing, seller storefronts, product reviews and ratings, the signed carrier webhook, API docs in Development.</summary>
    private static readonly HashSet<string> Anonymous =
    [
        "GET /health/live",
        "GET /health/ready",
        "POST /connect/token",
        "POST /customers/",
        "GET /products/",
        "GET /products/{id:guid}",
        "GET /sellers/{id:guid}/storefront",
        "GET /reviews/products/{productId:guid}",
        "GET /reviews/products/{productId:guid}/rating",
        "POST /shipments/carrier/webhook",
        "GET /openapi/{documentName}.json",
    ];

    /// <summary>The API reference (Development only): its page and whatever assets its version serves.</summary>
    private const string ApiReference = "GET /scalar/";

    private readonly PostgresDatabase<CommerceTemplate> database = new();
    private CommerceHostFactory host = null!;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        // Every context and the Checkout API; the saga worker maps no route and would need a Temporal server.
        host = new CommerceHostFactory(database.ConnectionString, HostedContexts.Everything(withSagaWorker: false)).Start();
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public void EveryRoute_DeclaresAPolicyOrPublishedAnonymousAccess()
    {
        var routes = Routes().ToList();

        Assert.True(routes.Count > 60, $"only {routes.Count} routes found: the enumeration is broken");
        var undeclared = routes.Where(r => !r.Anonymous && !r.HasPolicy).Select(r => r.Name).ToList();
        Assert.True(undeclared.Count == 0, "Routes without an authorization policy:\n" + string.Join("\n", undeclared));
        var unpublished = routes.Where(r => r.Anonymous && !Anonymous.Contains(r.Name) && !r.Name.StartsWith(ApiReference, StringComparison.Ordinal)).Select(r => r.Name).ToList();
        Assert.True(unpublished.Count == 0, "Anonymous routes outside the published list:\n" + string.Join("\n", unpublished));
    }

    [Fact]
    public async Task EveryNonAnonymousRoute_WithoutCredentials_Answers401ProblemDetails()
    {
        using var anonymous = new HttpClient { BaseAddress = host.Address };
        var failures = new List<string>();
        foreach (var route in Routes().Where(r => !r.Anonymous))
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), Concrete(route.Pattern))
            {
                Content = route.Method is "GET" or "DELETE" ? null : new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
            };
            using var response = await anonymous.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Unauthorized
                || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{route.Name}: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}");
            }
        }

        Assert.True(failures.Count == 0, "Answered without credentials:\n" + string.Join("\n", failures));
    }

    private IEnumerable<(string Name, string Method, string Pattern, bool Anonymous, bool HasPolicy)> Routes() =>
        from endpoint in host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
        from method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]
        let pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/')
        select ($"{method} {pattern}", method, pattern,
            endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null,
            endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any() || endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>().Any());

    /// <summary>A request path for a route pattern: every parameter filled with a value its constraint accepts.</summary>
    private static string Concrete(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, @"\{[^}]*\}", match =>
            match.Value.Contains(":guid", StringComparison.Ordinal) ? Guid.NewGuid().ToString() : "x");
}
