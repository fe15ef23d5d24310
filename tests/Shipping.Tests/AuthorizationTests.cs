using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Customer.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;
using Commerce.Shipping.Contracts;
using Microsoft.AspNetCore.Hosting;

namespace Commerce.Shipping.Tests;

/// <summary>
/// Shipping alone (the carrier driven by hand) holding one shipment for the matrix's reads, and a client for each kind
/// of caller: real tokens from the token server, customers registered and signed in as a shop's are.
/// </summary>
public sealed class ShippingAccessFixture : IAsyncLifetime
{
    /// <summary>The order of the shipment the reads find.</summary>
    public static readonly Guid ShippedOrder = Guid.Parse("0d9c4f38-6f1e-4c52-9a51-5d3e0f7a0001");

    private readonly ManualCarrier host = new();

    public CommerceHostFactory App => host.App;

    public string ConnectionString => host.ConnectionString;

    public Guid ShipmentId { get; private set; }

    /// <summary>Every kind of caller; the right service is the saga worker, the only service that calls Shipping.</summary>
    public Dictionary<CallerKind, HttpClient> Callers { get; } = [];

    public async Task InitializeAsync()
    {
        await host.InitializeAsync();
        Callers[CallerKind.Anonymous] = host.Anonymous;
        Callers[CallerKind.Operator] = host.Client;
        Callers[CallerKind.WrongService] = await App.ClientAsAsync(TestIdentity.StrangerClient);
        Callers[CallerKind.Customer] = await CustomerAsync();
        Callers[CallerKind.OtherCustomer] = await CustomerAsync();
        Callers[CallerKind.RightService] = await App.ClientAsAsync(Clients.SagaWorker);
        using var created = await Callers[CallerKind.RightService].PostAsJsonAsync("/shipments",
            ShipmentTests.NewShipment() with { OrderId = ShippedOrder }, CommerceJson.Options);
        ShipmentId = (await created.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<ShipmentResponse>(CommerceJson.Options))!.Id;
    }

    public Task DisposeAsync() => host.DisposeAsync();

    private async Task<HttpClient> CustomerAsync()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        using var registration = new HttpClient { BaseAddress = App.TokenServer };
        (await registration.PostAsJsonAsync("/customers",
            new RegisterCustomerRequest("Shopper", email, Password: TestIdentity.CustomerPassword), CommerceJson.Options)).EnsureSuccessStatusCode();
        return await App.CustomerClientAsync(email);
    }

    private sealed class ManualCarrier : ShippingFixture
    {
        protected override IReadOnlyDictionary<string, string?> Settings { get; } =
            new Dictionary<string, string?> { ["Shipping:Carrier:AutoAdvance"] = "false" };
    }
}

/// <summary>
/// Issue 11's authorization matrix for every Shipping route. Creating an order's shipment is the order saga's step: only
/// its worker (and operators resolving a stuck order), or a shipment made first by anyone else would choose where the
/// goods go. A shipment holds the recipient's address and the tracking number a delivery is matched on, and Shipping
/// does not know whose order it is: reading one is an operators' tool, customers get 403 whatever they name. The
/// simulated carrier's outage switch: operators, in Development only. The carrier's webhook: see its own test.
/// </summary>
public sealed class AuthorizationTests(ShippingAccessFixture fixture) : IClassFixture<ShippingAccessFixture>
{
    private static readonly string NewShipment = JsonSerializer.Serialize(
        ShipmentTests.NewShipment() with { OrderId = Guid.Parse("0d9c4f38-6f1e-4c52-9a51-5d3e0f7a0002") }, CommerceJson.Options);

    private static readonly Dictionary<string, AccessCase> Rows = new[]
    {
        // The worker creates (201); the operator's identical request is the idempotent repeat (200).
        AccessMatrix.ServiceRoute("POST shipment", HttpMethod.Post, "/shipments", rightService: 201, @operator: 200, body: NewShipment),
        AccessMatrix.ServiceRoute("GET shipment", HttpMethod.Get, "/shipments/{shipment}", @operator: 200),
        AccessMatrix.ServiceRoute("GET shipment by order", HttpMethod.Get, $"/shipments/by-order/{ShippingAccessFixture.ShippedOrder}", @operator: 200),
        AccessMatrix.ServiceRoute("POST carrier outage switch", HttpMethod.Post, "/shipments/carrier/outage", @operator: 200, body: """{"enabled":false}"""),
    }.ToDictionary(r => r.Name, StringComparer.Ordinal);

    public static TheoryData<string> Routes => [.. Rows.Keys];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_AsEachCaller_AnswersItsPolicy(string route)
    {
        var @case = Rows[route];

        await AccessMatrix.AssertAsync(
            @case with { Path = @case.Path.Replace("{shipment}", fixture.ShipmentId.ToString(), StringComparison.Ordinal) }, fixture.Callers);
    }

    /// <summary>
    /// The carrier holds no token of the token server's: the webhook is anonymous to the bearer scheme (the carrier's
    /// signature authenticates it), so every caller gets the same answer for the same update, and none is asked for a
    /// bearer token.
    /// </summary>
    [Fact]
    public async Task CarrierWebhook_WithAnyTokenOrNone_AnswersAlikeAndNeverAsksForABearerToken()
    {
        var update = new CarrierTrackingUpdate(Guid.NewGuid(), "SIM-UNKNOWN", ShipmentStatus.InTransit, null, DateTimeOffset.UtcNow);
        var answers = new List<(CallerKind Caller, HttpStatusCode Status, string Challenge)>();
        foreach (var (caller, client) in fixture.Callers)
        {
            using var response = await client.PostAsJsonAsync("/shipments/carrier/webhook", update, CommerceJson.Options);
            answers.Add((caller, response.StatusCode, response.Headers.WwwAuthenticate.ToString()));
        }

        Assert.Single(answers.Select(a => a.Status).Distinct());
        Assert.NotEqual(HttpStatusCode.Forbidden, answers[0].Status);
        Assert.DoesNotContain(answers, a => a.Challenge.Contains("Bearer", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// A simulator's switch is a test and demo tool: outside Development the route is not there at all (404 even for an
    /// operator, whose token the same host accepts for its real routes).
    /// </summary>
    [Fact]
    public async Task CarrierOutageSwitch_OutsideDevelopment_IsNotThereEvenForAnOperator()
    {
        // What a Shipping host outside Development needs to start; nothing here reaches Shipping's tables.
        var settings = new Dictionary<string, string?>
        {
            // The token server of this class's host (plain HTTP on loopback, which only Development accepts by default).
            ["Authentication:Authority"] = fixture.App.TokenServer.ToString(),
            ["Authentication:RequireHttpsMetadata"] = "false",
            ["Shipping:Carrier:WebhookSecret"] = "production-carrier-webhook-secret-0123456789",
            ["Shipping:Carrier:AutoAdvance"] = "false",
            ["Commerce:RolePasswords:Shipping"] = Guid.NewGuid().ToString("N"),
        };
        await using var production = new ProductionHost(fixture.ConnectionString, settings).Start();
        using var asOperator = await production.ClientAsAsync(Clients.Operator);
        using var anonymous = new HttpClient { BaseAddress = production.Address };

        using var outage = await asOperator.PostAsJsonAsync("/shipments/carrier/outage", new CarrierOutageRequest(true), CommerceJson.Options);
        using var otherRoute = await anonymous.GetAsync($"/shipments/{fixture.ShipmentId}");

        // No route at all (an existing one would ask for a token first), while Shipping's other routes are there.
        Assert.Equal(HttpStatusCode.NotFound, outage.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, otherRoute.StatusCode);
    }

    private sealed class ProductionHost(string connectionString, IReadOnlyDictionary<string, string?> settings)
        : CommerceHostFactory(connectionString, "Shipping", settings)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
        }
    }
}
