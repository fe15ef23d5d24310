using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.Inventory.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Inventory.Tests;

/// <summary>
/// Inventory alone on its own database, holding stock and reservations for the matrix's routes to act on, and a client
/// for each kind of caller: real tokens from the token server, customers registered and signed in as a shop's are.
/// </summary>
public sealed class InventoryAccessFixture : IAsyncLifetime
{
    public const string Sku = "AUTHZ-1";
    public const string Warehouse = "WH-1";

    private readonly InventoryOnly host = new();
    private readonly Dictionary<string, HttpClient> services = new(StringComparer.Ordinal);

    /// <summary>Every caller but the right service, which each row names.</summary>
    public Dictionary<CallerKind, HttpClient> Callers { get; } = [];

    /// <summary>The callers of a row whose right service is <paramref name="clientId"/>.</summary>
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
        foreach (var clientId in new[] { Clients.SagaWorker, Clients.For("Product") })
        {
            services[clientId] = await app.ClientAsAsync(clientId);
        }

        (await host.Client.PostAsJsonAsync($"/inventory/stock/{Sku}/receipts", new ReceiveStockRequest(Warehouse, 100), CommerceJson.Options))
            .EnsureSuccessStatusCode();
        foreach (var key in new[] { "authz-read", "authz-commit", "authz-release", "authz-fulfil" })
        {
            (await services[Clients.SagaWorker].PostAsJsonAsync("/inventory/reservations",
                new ReserveStockRequest(key, [new ReservationLineRequest(Sku, 1)]), CommerceJson.Options)).EnsureSuccessStatusCode();
        }
    }

    public Task DisposeAsync() => host.DisposeAsync();

    private static async Task<HttpClient> CustomerAsync(CommerceHostFactory app)
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        using var registration = new HttpClient { BaseAddress = app.TokenServer };
        (await registration.PostAsJsonAsync("/customers",
            new RegisterCustomerRequest("Shopper", email, Password: TestIdentity.CustomerPassword), CommerceJson.Options)).EnsureSuccessStatusCode();
        return await app.CustomerClientAsync(email);
    }

    private sealed class InventoryOnly : ContextFixture
    {
        protected override string Contexts => "Inventory";
    }
}

/// <summary>
/// Issue 11's authorization matrix for every Inventory route. Stock is the warehouse's business: operators keep it,
/// Product reads it to rebuild its availability cache, and shoppers see availability through Product only. A
/// reservation is the order saga's: only its worker (and operators resolving a stuck order) reserves, commits, releases
/// or fulfils. Nothing here belongs to a customer, so customers are refused (403) whatever they name.
/// </summary>
public sealed class AuthorizationTests(InventoryAccessFixture fixture) : IClassFixture<InventoryAccessFixture>
{
    private const string Sku = InventoryAccessFixture.Sku;

    /// <summary>Each row with the client id of its right service, if one calls the route.</summary>
    private static readonly Dictionary<string, (AccessCase Case, string? RightService)> Rows = new[]
    {
        (AccessMatrix.ServiceRoute("GET stock", HttpMethod.Get, $"/inventory/stock/{Sku}", rightService: 200, @operator: 200), Clients.For("Product")),
        (AccessMatrix.ServiceRoute("GET stock movements", HttpMethod.Get, $"/inventory/stock/{Sku}/movements", @operator: 200), null),
        (AccessMatrix.ServiceRoute("POST stock receipt", HttpMethod.Post, $"/inventory/stock/{Sku}/receipts", @operator: 200,
            body: """{"warehouse":"WH-1","quantity":1}"""), null),
        (AccessMatrix.ServiceRoute("POST stock adjustment", HttpMethod.Post, $"/inventory/stock/{Sku}/adjustments", @operator: 200,
            body: """{"warehouse":"WH-1","delta":1,"reason":"Count"}"""), null),
        (AccessMatrix.ServiceRoute("PUT reorder point", HttpMethod.Put, $"/inventory/stock/{Sku}/reorder-point", @operator: 200,
            body: """{"warehouse":"WH-1","reorderPoint":2}"""), null),
        // The worker creates (201); the operator's identical request is the idempotent repeat (200).
        (AccessMatrix.ServiceRoute("POST reservation", HttpMethod.Post, "/inventory/reservations", rightService: 201, @operator: 200,
            body: $$"""{"key":"authz-reserve","lines":[{"sku":"{{Sku}}","quantity":1}]}"""), Clients.SagaWorker),
        (AccessMatrix.ServiceRoute("GET reservation", HttpMethod.Get, "/inventory/reservations/authz-read", @operator: 200), null),
        (AccessMatrix.ServiceRoute("POST reservation commit", HttpMethod.Post, "/inventory/reservations/authz-commit/commit", rightService: 200, @operator: 200),
            Clients.SagaWorker),
        (AccessMatrix.ServiceRoute("POST reservation release", HttpMethod.Post, "/inventory/reservations/authz-release/release", rightService: 200, @operator: 200),
            Clients.SagaWorker),
        (AccessMatrix.ServiceRoute("POST reservation fulfil", HttpMethod.Post, "/inventory/reservations/authz-fulfil/fulfil", rightService: 200, @operator: 200),
            Clients.SagaWorker),
    }.ToDictionary(r => r.Item1.Name, r => (r.Item1, r.Item2), StringComparer.Ordinal);

    public static TheoryData<string> Routes => [.. Rows.Keys];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_AsEachCaller_AnswersItsPolicy(string route)
    {
        var (@case, rightService) = Rows[route];

        await AccessMatrix.AssertAsync(@case, fixture.CallersWith(rightService));
    }
}
