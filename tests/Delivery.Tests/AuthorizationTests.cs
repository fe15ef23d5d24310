using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Delivery.Tests;

/// <summary>Delivery with one planned route for the matrix's routes to read, and a client for each kind of caller.</summary>
public sealed class DeliveryAccessFixture : IAsyncLifetime
{
    public static readonly DateOnly Day = new(2030, 2, 20);

    private readonly DeliveryHost host = new();

    public Dictionary<CallerKind, HttpClient> Callers { get; } = [];

    public Guid RouteId { get; private set; }

    public Guid ShipmentId { get; private set; }

    public async Task InitializeAsync()
    {
        await host.InitializeAsync();
        var app = host.App;
        Callers[CallerKind.Anonymous] = app.CreateClient();
        Callers[CallerKind.Operator] = host.Client;
        Callers[CallerKind.WrongService] = await app.ClientAsAsync(TestIdentity.StrangerClient);
        Callers[CallerKind.Customer] = await CustomerAsync(app);
        Callers[CallerKind.OtherCustomer] = await CustomerAsync(app);
        Callers[CallerKind.RightService] = host.Shipping;
        ShipmentId = await host.ShipmentCreatedAsync("94110", DeliveryHost.At(Day));
        RouteId = Assert.Single((await host.PlanAsync(Day)).Routes).Id;
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
}

/// <summary>
/// The authorization matrix of every Delivery route. Routes are the warehouse's business: operators plan and read them;
/// Shipping's client reads one shipment's stop for its tracking view. Nothing here is a customer's, so customers are
/// refused (403) whatever they name, and a service other than Shipping is refused too.
/// </summary>
public sealed class AuthorizationTests(DeliveryAccessFixture fixture) : IClassFixture<DeliveryAccessFixture>
{
    public static TheoryData<string> Routes => [.. Rows(Guid.Empty, Guid.Empty).Keys];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_AsEachCaller_AnswersItsPolicy(string route)
    {
        await AccessMatrix.AssertAsync(Rows(fixture.RouteId, fixture.ShipmentId)[route], fixture.Callers);
    }

    private static Dictionary<string, AccessCase> Rows(Guid routeId, Guid shipmentId) => new[]
    {
        // The right service row is Shipping's client: refused on the operators' routes, let through to a shipment's stop.
        AccessMatrix.ServiceRoute("POST plan", HttpMethod.Post, "/delivery/routes/plan", rightService: 403, @operator: 200,
            body: $$"""{"day":"{{DeliveryAccessFixture.Day:yyyy-MM-dd}}"}"""),
        AccessMatrix.ServiceRoute("GET routes", HttpMethod.Get, $"/delivery/routes?day={DeliveryAccessFixture.Day:yyyy-MM-dd}", rightService: 403,
            @operator: 200),
        AccessMatrix.ServiceRoute("GET route", HttpMethod.Get, $"/delivery/routes/{routeId}", rightService: 403, @operator: 200),
        AccessMatrix.ServiceRoute("GET shipment route", HttpMethod.Get, $"/delivery/shipments/{shipmentId}", rightService: 200, @operator: 200),
    }.ToDictionary(r => r.Name, StringComparer.Ordinal);
}
