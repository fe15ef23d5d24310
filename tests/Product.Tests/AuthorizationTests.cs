using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Commerce.Product.Tests;

/// <summary>
/// Issue 11's authorization matrix for Product's routes, with real tokens from the token server beside the host: the
/// catalog is browsed by anyone and changed by sellers (their own products) and operators. The "customer" column is the
/// seller whose product it is, "other customer" another seller (its own products only: another's answers 404); a
/// shopper who sells nothing is refused every change. Each caller is tried on a product of its own, so one caller's
/// change (a discontinuation) never decides another's answer.
/// </summary>
public sealed class AuthorizationTests(ProductFixture fixture) : IClassFixture<ProductFixture>
{
    // {product} is a product created for the caller tried, {sku} a SKU no product has yet.
    private const string Product = """{"sku":"{sku}","name":"Kettle","category":"Kitchen","price":25,"currency":"USD"}""";

    /// <summary>Each route with the status every caller gets; Order reads products (snapshots at order creation, its cache rebuild).</summary>
    public static TheoryData<AccessCase> Routes =>
    [
        new("GET /products", HttpMethod.Get, "/products?text=kettle", Expect(200, 200, 200, 200, 200, 200)),
        new("GET /products/{id}", HttpMethod.Get, "/products/{product}", Expect(200, 200, 200, 200, 200, 200)),
        // Another seller creates a product too: its own (a product never names a seller other than its creator's).
        new("POST /products", HttpMethod.Post, "/products", Expect(401, 201, 201, 201, 403, 403), Product),
        new("PUT /products/{id}", HttpMethod.Put, "/products/{product}", Expect(401, 404, 200, 200, 403, 403), Update),
        new("PUT /products/{id}/price", HttpMethod.Put, "/products/{product}/price", Expect(401, 404, 200, 200, 403, 403), Price),
        new("POST /products/{id}/discontinue", HttpMethod.Post, "/products/{product}/discontinue", Expect(401, 404, 200, 200, 403, 403)),
    ];

    private const string Update = """{"name":"Kettle 2","description":"Boils.","category":"Kitchen"}""";

    private const string Price = """{"price":19.99,"currency":"USD"}""";

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_AsEachCaller_AnswersWhatItsPolicySays(AccessCase route)
    {
        var seller = await fixture.App.SellerFromEventAsync("Owner", subscribers: "product");
        var callers = new Dictionary<CallerKind, HttpClient>
        {
            [CallerKind.Anonymous] = fixture.Anonymous,
            [CallerKind.OtherCustomer] = (await fixture.App.SellerFromEventAsync("Stranger", subscribers: "product")).Client,
            [CallerKind.Customer] = seller.Client,
            [CallerKind.Operator] = fixture.Client,
            [CallerKind.WrongService] = await fixture.App.ClientAsAsync(TestIdentity.StrangerClient),
            [CallerKind.RightService] = await fixture.App.ClientAsAsync("order"),
        };

        foreach (var (caller, status) in route.Expected)
        {
            var product = await CreateAsync(seller.Client);
            await AccessMatrix.AssertAsync(route with
            {
                Path = Fill(route.Path, product),
                Body = route.Body is null ? null : Fill(route.Body, product),
                Expected = new Dictionary<CallerKind, int> { [caller] = status },
            }, callers);
        }
    }

    [Theory]
    [InlineData("POST", "/products", Product)]
    [InlineData("PUT", "/products/{product}", Update)]
    [InlineData("PUT", "/products/{product}/price", Price)]
    [InlineData("POST", "/products/{product}/discontinue", null)]
    public async Task ChangeRoute_AsAShopperWhoSellsNothing_Answers403(string method, string path, string? body)
    {
        var product = await CreateAsync(fixture.Client);

        await AccessMatrix.AssertAsync(
            new AccessCase($"{method} {path}", new HttpMethod(method), Fill(path, product), new Dictionary<CallerKind, int> { [CallerKind.Customer] = 403 },
                body is null ? null : Fill(body, product)),
            new Dictionary<CallerKind, HttpClient> { [CallerKind.Customer] = await CustomerAsync() });
    }

    private async Task<Guid> CreateAsync(HttpClient creator)
    {
        using var response = await creator.PostAsync("/products", new StringContent(Fill(Product, Guid.Empty), Encoding.UTF8, "application/json"));
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>A signed-in shopper: registered with the token server (Customer, beside this Product-only host).</summary>
    private async Task<HttpClient> CustomerAsync()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        using var tokenServer = new HttpClient { BaseAddress = fixture.App.TokenServer };
        (await tokenServer.PostAsJsonAsync("/customers", new { name = "Shopper", email, password = TestIdentity.CustomerPassword }))
            .EnsureSuccessStatusCode();
        return await fixture.App.CustomerClientAsync(email);
    }

    private static string Fill(string text, Guid product) => text
        .Replace("{product}", product.ToString(), StringComparison.Ordinal)
        .Replace("{sku}", $"KETTLE-{Guid.NewGuid():N}", StringComparison.Ordinal);

    /// <summary>The statuses in the matrix's column order; "customer" is the product's seller, "other customer" another seller.</summary>
    private static Dictionary<CallerKind, int> Expect(
        int anonymous, int otherSeller, int seller, int @operator, int wrongService, int rightService) => new()
        {
            [CallerKind.Anonymous] = anonymous,
            [CallerKind.OtherCustomer] = otherSeller,
            [CallerKind.Customer] = seller,
            [CallerKind.Operator] = @operator,
            [CallerKind.WrongService] = wrongService,
            [CallerKind.RightService] = rightService,
        };
}
