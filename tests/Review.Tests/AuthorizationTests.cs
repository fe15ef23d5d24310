using System.Net.Http.Json;
using Commerce.Review.Contracts;
using Commerce.ServiceDefaults;

namespace Commerce.Review.Tests;

/// <summary>
/// Review with a customer ("the customer" of the matrix) who has delivered orders, and reviews in each state for the
/// matrix's routes to act on; real tokens for every kind of caller.
/// </summary>
public sealed class ReviewAccessFixture : IAsyncLifetime
{
    private readonly ReviewFixture host = new();

    public Dictionary<CallerKind, HttpClient> Callers { get; } = [];

    public Guid CustomerId { get; private set; }

    public Guid ProductId { get; private set; }

    /// <summary>The order and product the POST row reviews (not reviewed before the row runs).</summary>
    public (Guid Order, Guid Product) Unreviewed { get; private set; }

    public Guid PendingId { get; private set; }

    public Guid ToApproveId { get; private set; }

    public Guid ToRejectId { get; private set; }

    public Guid ApprovedId { get; private set; }

    public async Task InitializeAsync()
    {
        await host.InitializeAsync();
        var (customerId, customer) = await host.NewCustomerAsync();
        CustomerId = customerId;
        Callers[CallerKind.Anonymous] = host.Anonymous;
        Callers[CallerKind.Operator] = host.Client;
        Callers[CallerKind.WrongService] = await host.App.ClientAsAsync(TestIdentity.StrangerClient);
        Callers[CallerKind.Customer] = customer;
        Callers[CallerKind.OtherCustomer] = (await host.NewCustomerAsync()).Client;

        ProductId = await host.NewProductAsync();
        async Task<Guid> ReviewAsync()
        {
            var productId = await host.NewProductAsync();
            var orderId = await host.NewOrderAsync(customerId, true, productId);
            using var response = await ReviewFixture.SubmitAsync(customer, orderId, productId);
            response.EnsureSuccessStatusCode();
            return (await ReviewFixture.ReadAsync<ReviewResponse>(response)).Id;
        }

        PendingId = await ReviewAsync();
        ToApproveId = await ReviewAsync();
        ToRejectId = await ReviewAsync();
        ApprovedId = await ReviewAsync();
        await host.ApproveAsync(ApprovedId);
        var unreviewed = await host.NewProductAsync();
        Unreviewed = (await host.NewOrderAsync(customerId, true, unreviewed), unreviewed);
    }

    public Task DisposeAsync() => host.DisposeAsync();
}

/// <summary>
/// The authorization matrix for every Review route. Customers write and read their own reviews (another customer gets
/// 404, or 422 for a purchase not theirs); an operator has no purchases and may not write one (403) but moderates;
/// a product's reviews and rating are public; replies are for sellers' accounts and operators.
/// </summary>
public sealed class AuthorizationTests(ReviewAccessFixture fixture) : IClassFixture<ReviewAccessFixture>
{
    /// <param name="f">The fixture, or null for the row names alone.</param>
    private static Dictionary<string, AccessCase> Rows(ReviewAccessFixture? f) => new[]
    {
        // Tried in order: the other customer (not their order: 422), the customer (201), the operator (403).
        new AccessCase("POST review", HttpMethod.Post, "/reviews", AccessMatrix.Expect(otherCustomer: 422, customer: 201, @operator: 403),
            $$"""{"orderId":"{{f?.Unreviewed.Order}}","productId":"{{f?.Unreviewed.Product}}","rating":5,"title":"Matrix","text":"Row"}"""),
        new AccessCase("GET review", HttpMethod.Get, $"/reviews/{f?.PendingId}", AccessMatrix.Expect(otherCustomer: 404, customer: 200, @operator: 200)),
        new AccessCase("GET customer reviews", HttpMethod.Get, $"/reviews/customers/{f?.CustomerId}",
            AccessMatrix.Expect(otherCustomer: 404, customer: 200, @operator: 200)),
        new AccessCase("GET product reviews", HttpMethod.Get, $"/reviews/products/{f?.ProductId}", Everyone(200)),
        new AccessCase("GET product rating", HttpMethod.Get, $"/reviews/products/{f?.ProductId}/rating", Everyone(200)),
        AccessMatrix.ServiceRoute("GET pending", HttpMethod.Get, "/reviews/pending", @operator: 200),
        AccessMatrix.ServiceRoute("POST approve", HttpMethod.Post, $"/reviews/{f?.ToApproveId}/approve", @operator: 200),
        AccessMatrix.ServiceRoute("POST reject", HttpMethod.Post, $"/reviews/{f?.ToRejectId}/reject", @operator: 200, body: """{"reason":"Matrix"}"""),
        AccessMatrix.ServiceRoute("POST reply", HttpMethod.Post, $"/reviews/{f?.ApprovedId}/replies", @operator: 200, body: """{"text":"Thanks"}"""),
    }.ToDictionary(r => r.Name, StringComparer.Ordinal);

    public static TheoryData<string> Routes => [.. Rows(null).Keys];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_AsEachCaller_AnswersItsPolicy(string route) => await AccessMatrix.AssertAsync(Rows(fixture)[route], fixture.Callers);

    private static Dictionary<CallerKind, int> Everyone(int status) => new()
    {
        [CallerKind.Anonymous] = status,
        [CallerKind.OtherCustomer] = status,
        [CallerKind.Customer] = status,
        [CallerKind.Operator] = status,
        [CallerKind.WrongService] = status,
    };
}
