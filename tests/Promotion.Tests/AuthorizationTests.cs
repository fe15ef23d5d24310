using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Promotion.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Promotion.Tests;

/// <summary>
/// Promotion alone on its own database, with a promotion, coupons and redemptions for the matrix's routes to act on,
/// and a client for each kind of caller: real tokens from the token server, customers registered and signed in.
/// </summary>
public sealed class PromotionAccessFixture : IAsyncLifetime
{
    private readonly PromotionOnly host = new();
    private readonly Dictionary<string, HttpClient> services = new(StringComparer.Ordinal);

    public Guid PromotionId { get; private set; }

    /// <summary>A promotion of its own for the deactivation row, so the order the rows run in does not matter.</summary>
    public Guid DeactivatedId { get; private set; }

    public Dictionary<CallerKind, HttpClient> Callers { get; } = [];

    public IReadOnlyDictionary<CallerKind, HttpClient> CallersWith(string? clientId) =>
        clientId is null ? Callers : new Dictionary<CallerKind, HttpClient>(Callers) { [CallerKind.RightService] = services[clientId] };

    public async Task InitializeAsync()
    {
        await host.InitializeAsync();
        var app = host.App;
        Callers[CallerKind.Anonymous] = host.Anonymous;
        Callers[CallerKind.Operator] = host.Client;
        Callers[CallerKind.WrongService] = await app.ClientAsAsync(TestIdentity.StrangerClient);
        Callers[CallerKind.Customer] = await CustomerAsync(app);
        Callers[CallerKind.OtherCustomer] = await CustomerAsync(app);
        foreach (var clientId in new[] { Clients.SagaWorker, Clients.For("Pricing") })
        {
            services[clientId] = await app.ClientAsAsync(clientId);
        }

        PromotionId = await CreatePromotionAsync();
        DeactivatedId = await CreatePromotionAsync();
        (await host.Client.PostAsJsonAsync($"/promotions/{PromotionId}/coupons", new CreateCouponRequest("AUTHZ-1", PerCustomerLimit: 100),
            CommerceJson.Options)).EnsureSuccessStatusCode();
        foreach (var key in new[] { "authz-read", "authz-release" })
        {
            (await services[Clients.SagaWorker].PostAsJsonAsync("/promotions/redemptions",
                new ClaimCouponRequest(key, "AUTHZ-1", Guid.NewGuid(), Guid.NewGuid(), 1m, "USD"), CommerceJson.Options)).EnsureSuccessStatusCode();
        }
    }

    public Task DisposeAsync() => host.DisposeAsync();

    private async Task<Guid> CreatePromotionAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var created = await host.Client.PostAsJsonAsync("/promotions", new CreatePromotionRequest("Authz",
            new PromotionTerms(DiscountKind.Percentage, 10m, "USD", PromotionScope.Order), now.AddMinutes(-1), now.AddDays(1), true), CommerceJson.Options);
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<PromotionResponse>(CommerceJson.Options))!.Id;
    }

    private static async Task<HttpClient> CustomerAsync(CommerceHostFactory app)
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        using var registration = new HttpClient { BaseAddress = app.TokenServer };
        (await registration.PostAsJsonAsync("/customers",
            new RegisterCustomerRequest("Shopper", email, Password: TestIdentity.CustomerPassword), CommerceJson.Options)).EnsureSuccessStatusCode();
        return await app.CustomerClientAsync(email);
    }

    private sealed class PromotionOnly : ContextFixture
    {
        protected override string Contexts => "Promotion";
    }
}

/// <summary>
/// The authorization matrix for every Promotion route. Campaigns and coupons are the shop's marketing: operators run
/// them. Pricing validates codes while quoting; the order saga's worker claims and releases uses. Nothing here is a
/// customer's own resource (shoppers reach promotions through Pricing and the saga), so customers are refused (403).
/// </summary>
public sealed class AuthorizationTests(PromotionAccessFixture fixture) : IClassFixture<PromotionAccessFixture>
{
    private static readonly string Claim =
        """{"key":"authz-claim","code":"AUTHZ-1","customerId":"0c000000-0000-0000-0000-000000000001","orderId":"0c000000-0000-0000-0000-000000000009","discount":1,"currency":"USD"}""";

    private static readonly string Validate =
        """{"code":"AUTHZ-1","customerId":"0c000000-0000-0000-0000-000000000001","currency":"USD","lines":[{"productId":"0f000000-0000-0000-0000-000000000001","category":"Audio","lineTotal":10}]}""";

    private static Dictionary<string, (AccessCase Case, string? RightService)> Rows(Guid promotionId, Guid deactivatedId) => new[]
    {
        (AccessMatrix.ServiceRoute("POST promotion", HttpMethod.Post, "/promotions", @operator: 201,
            body: """{"name":"Matrix","terms":{"kind":"Percentage","value":5,"currency":"USD","scope":"Order"},"startsAt":"2020-01-01T00:00:00Z","endsAt":"2100-01-01T00:00:00Z","requiresCoupon":true}"""), null),
        (AccessMatrix.ServiceRoute("GET promotions", HttpMethod.Get, "/promotions", @operator: 200), null),
        (AccessMatrix.ServiceRoute("GET promotion", HttpMethod.Get, $"/promotions/{promotionId}", @operator: 200), null),
        (AccessMatrix.ServiceRoute("POST promotion coupon", HttpMethod.Post, $"/promotions/{promotionId}/coupons", @operator: 201,
            body: """{"code":"AUTHZ-NEW"}"""), null),
        (AccessMatrix.ServiceRoute("GET coupon", HttpMethod.Get, "/promotions/coupons/AUTHZ-1", @operator: 200), null),
        (AccessMatrix.ServiceRoute("POST coupon validate", HttpMethod.Post, "/promotions/coupons/validate", rightService: 200, @operator: 200,
            body: Validate), Clients.For("Pricing")),
        // The worker claims (201); the operator's identical request is the idempotent repeat (200).
        (AccessMatrix.ServiceRoute("POST redemption", HttpMethod.Post, "/promotions/redemptions", rightService: 201, @operator: 200, body: Claim),
            Clients.SagaWorker),
        (AccessMatrix.ServiceRoute("GET redemption", HttpMethod.Get, "/promotions/redemptions/authz-read", rightService: 200, @operator: 200),
            Clients.SagaWorker),
        (AccessMatrix.ServiceRoute("POST redemption release", HttpMethod.Post, "/promotions/redemptions/authz-release/release", rightService: 200,
            @operator: 200), Clients.SagaWorker),
        (AccessMatrix.ServiceRoute("POST promotion deactivate", HttpMethod.Post, $"/promotions/{deactivatedId}/deactivate", @operator: 200), null),
    }.ToDictionary(r => r.Item1.Name, r => (r.Item1, r.Item2), StringComparer.Ordinal);

    public static TheoryData<string> Routes => [.. Rows(Guid.Empty, Guid.Empty).Keys];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_AsEachCaller_AnswersItsPolicy(string route)
    {
        var (@case, rightService) = Rows(fixture.PromotionId, fixture.DeactivatedId)[route];

        await AccessMatrix.AssertAsync(@case, fixture.CallersWith(rightService));
    }
}
