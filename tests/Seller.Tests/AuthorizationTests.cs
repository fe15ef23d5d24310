using Commerce.Seller.Contracts;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Seller.Tests;

/// <summary>
/// Seller alone on its own database with one seller (registered by the fixture's customer) for the matrix's routes to
/// act on, and a client for each kind of caller with real tokens.
/// </summary>
public sealed class SellerAccessFixture : IAsyncLifetime
{
    private readonly SellerFixture host = new();

    public Dictionary<CallerKind, HttpClient> Callers { get; } = [];

    /// <summary>The seller the fixture's customer registered.</summary>
    public SellerResponse Seller { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await host.InitializeAsync();
        var (customer, _) = await host.NewCustomerAsync();
        var (other, _) = await host.NewCustomerAsync();
        Callers[CallerKind.Anonymous] = host.Anonymous;
        Callers[CallerKind.Operator] = host.Client;
        Callers[CallerKind.WrongService] = await host.App.ClientAsAsync(TestIdentity.StrangerClient);
        Callers[CallerKind.Customer] = customer;
        Callers[CallerKind.OtherCustomer] = other;
        using var registered = await customer.PostAsync("/sellers", Json("""{"displayName":"Matrix shop","contactEmail":"matrix@example.com"}"""));
        registered.EnsureSuccessStatusCode();
        Seller = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<SellerResponse>(registered.Content,
            Commerce.ServiceDefaults.CommerceJson.Options))!;
    }

    public Task DisposeAsync() => host.DisposeAsync();

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}

/// <summary>
/// The authorization matrix for every Seller route. Registration is a customer's own account becoming a seller
/// (an operator has none: 403); profiles and low stock are the seller's and operators' (customers' tokens carry no
/// seller: 403); the storefront is public; the listing and suspension are operators'. The seller's own and another
/// seller's token come with Customer putting seller_id in tokens.
/// </summary>
public sealed class AuthorizationTests(SellerAccessFixture fixture) : IClassFixture<SellerAccessFixture>
{
    private const string Profile = """{"displayName":"Matrix shop","contactEmail":"matrix@example.com"}""";

    private static readonly Dictionary<string, AccessCase> Rows = new AccessCase[]
    {
        // The other customer registers its own seller (201); the fixture's customer already is one (409).
        new("POST register", HttpMethod.Post, "/sellers", AccessMatrix.Expect(otherCustomer: 201, customer: 409, @operator: 403), Profile),
        new("GET mine", HttpMethod.Get, "/sellers/me", AccessMatrix.Expect(otherCustomer: 403, customer: 403, @operator: 404)),
        new("GET seller", HttpMethod.Get, "/sellers/{seller}", AccessMatrix.Expect(otherCustomer: 403, customer: 403, @operator: 200)),
        new("GET storefront", HttpMethod.Get, "/sellers/{seller}/storefront", new Dictionary<CallerKind, int>
        {
            [CallerKind.Anonymous] = 200, [CallerKind.OtherCustomer] = 200, [CallerKind.Customer] = 200,
            [CallerKind.Operator] = 200, [CallerKind.WrongService] = 200,
        }),
        AccessMatrix.ServiceRoute("GET list", HttpMethod.Get, "/sellers", @operator: 200),
        new("PUT seller", HttpMethod.Put, "/sellers/{seller}", AccessMatrix.Expect(otherCustomer: 403, customer: 403, @operator: 200), Profile),
        AccessMatrix.ServiceRoute("POST suspend", HttpMethod.Post, "/sellers/{seller}/suspend", @operator: 200, body: """{"reason":"Matrix"}"""),
        AccessMatrix.ServiceRoute("POST reinstate", HttpMethod.Post, "/sellers/{seller}/reinstate", @operator: 200),
        new("GET low stock", HttpMethod.Get, "/sellers/{seller}/low-stock", AccessMatrix.Expect(otherCustomer: 403, customer: 403, @operator: 200)),
    }.ToDictionary(r => r.Name, StringComparer.Ordinal);

    public static TheoryData<string> Routes => [.. Rows.Keys];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_AsEachCaller_AnswersItsPolicy(string route)
    {
        var @case = Rows[route];

        await AccessMatrix.AssertAsync(@case with { Path = @case.Path.Replace("{seller}", fixture.Seller.Id.ToString(), StringComparison.Ordinal) },
            fixture.Callers);
    }
}
