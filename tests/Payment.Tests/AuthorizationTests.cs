using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Commerce.Customer.Contracts;
using Commerce.Payment.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Payment.Tests;

/// <summary>Who may call each of Payment's routes (issue 11), as each kind of caller with a real token.</summary>
public sealed class AuthorizationTests(PaymentAccessFixture fixture) : IClassFixture<PaymentAccessFixture>
{
    private const int Refused = 403;
    private const int NotFound = 404;

    /// <summary>
    /// One row per route. <c>{method}</c> is a new card of the customer, <c>{payment:Authorized}</c> a new payment on
    /// one (<c>Captured</c>: captured too), <c>{paymentOrder}</c> the order of a new one, <c>{customer}</c> the
    /// customer; every placeholder is made anew for its row. Every caller of a row sends the row's one
    /// Idempotency-Key, so an allowed caller after another meets an idempotent repeat. The right service is the saga
    /// worker.
    /// </summary>
    public static TheoryData<AccessCase> Routes { get; } = new()
    {
        new("POST /payments/methods", HttpMethod.Post, "/payments/methods", AccessMatrix.Expect(otherCustomer: NotFound, customer: 201, @operator: 201),
            $$"""{"customerId":"{customer}","cardNumber":"{{TestCards.Success}}","expiryMonth":12,"expiryYear":{{DateTime.UtcNow.Year + 2}}}"""),
        new("GET /payments/methods/{id}", HttpMethod.Get, "/payments/methods/{method}", AccessMatrix.Expect(otherCustomer: NotFound, customer: 200, @operator: 200)),
        // Another customer's cards are filtered away, not refused (see ListMethods_...).
        new("GET /payments/methods", HttpMethod.Get, "/payments/methods?customerId={customer}", AccessMatrix.Expect(otherCustomer: 200, customer: 200, @operator: 200)),
        new("DELETE /payments/methods/{id}", HttpMethod.Delete, "/payments/methods/{method}", AccessMatrix.Expect(otherCustomer: NotFound, customer: 204, @operator: 204)),
        new("POST /payments/authorizations", HttpMethod.Post, "/payments/authorizations", SagaOnly(201),
            $$"""{"orderId":"{{Guid.NewGuid()}}","paymentMethodId":"{method}","amount":10,"currency":"USD","customerId":"{customer}"}"""),
        new("POST /payments/{id}/capture", HttpMethod.Post, "/payments/{payment:Authorized}/capture", SagaOnly(201), "{}"),
        new("POST /payments/{id}/void", HttpMethod.Post, "/payments/{payment:Authorized}/void", SagaOnly(201)),
        new("POST /payments/{id}/refunds", HttpMethod.Post, "/payments/{payment:Captured}/refunds", SagaOnly(201), "{}"),
        new("GET /payments/{id}", HttpMethod.Get, "/payments/{payment:Authorized}", AccessMatrix.Expect(otherCustomer: NotFound, customer: 200, @operator: 200)),
        // The saga's compensation lists an order's payments; a customer gets their own only.
        new("GET /payments", HttpMethod.Get, "/payments?orderId={paymentOrder}", AccessMatrix.Expect(otherCustomer: 200, customer: 200, @operator: 200, rightService: 200)),
        new("POST /payments/gateway/outage", HttpMethod.Post, "/payments/gateway/outage", AccessMatrix.Expect(otherCustomer: Refused, customer: Refused, @operator: 200),
            """{"enabled":false}"""),
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_AsEachCaller_AnswersAsItsPolicySays(AccessCase route)
    {
        var resolved = route with { Path = await fixture.ResolveAsync(route.Path), Body = route.Body is null ? null : await fixture.ResolveAsync(route.Body) };

        await AccessMatrix.AssertAsync(resolved, fixture.Callers(idempotencyKey: $"matrix-{Guid.NewGuid()}"));
    }

    [Fact]
    public async Task ListMethods_AnotherCustomers_IsEmptyWhileTheirOwnListHoldsTheirCards()
    {
        var card = await fixture.ResolveAsync("{method}");
        var query = $"/payments/methods?customerId={fixture.CustomerId}";

        var own = await fixture.Callers()[CallerKind.Customer].GetFromJsonAsync<List<PaymentMethodResponse>>(query, CommerceJson.Options);
        var others = await fixture.Callers()[CallerKind.OtherCustomer].GetFromJsonAsync<List<PaymentMethodResponse>>(query, CommerceJson.Options);

        Assert.Contains(own!, m => m.Id.ToString() == card);
        Assert.Empty(others!);
    }

    [Fact]
    public async Task ListPayments_AnotherCustomersOrder_IsEmptyWhileTheOwnerSeesIt()
    {
        var order = await fixture.ResolveAsync("{paymentOrder}");

        var own = await fixture.Callers()[CallerKind.Customer].GetFromJsonAsync<List<PaymentResponse>>($"/payments?orderId={order}", CommerceJson.Options);
        var others = await fixture.Callers()[CallerKind.OtherCustomer].GetFromJsonAsync<List<PaymentResponse>>($"/payments?orderId={order}", CommerceJson.Options);

        Assert.Single(own!);
        Assert.Empty(others!);
    }

    [Fact]
    public async Task AddMethod_CustomerNamingAnotherCustomer_Is404AndSavesNothing()
    {
        var response = await fixture.Callers()[CallerKind.Customer].PostAsJsonAsync("/payments/methods",
            new AddPaymentMethodRequest(fixture.OtherCustomerId, TestCards.Success, 12, DateTime.UtcNow.Year + 2), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, await fixture.Sql.CountAsync("payment.payment_methods", "customer_id = $1", fixture.OtherCustomerId));
    }

    [Fact]
    public async Task RemoveMethod_AnotherCustomers_Is404AndTheCardStays()
    {
        var card = await fixture.ResolveAsync("{method}");

        var response = await fixture.Callers()[CallerKind.OtherCustomer].DeleteAsync($"/payments/methods/{card}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False((await fixture.Client.GetFromJsonAsync<PaymentMethodResponse>($"/payments/methods/{card}", CommerceJson.Options))!.Removed);
    }

    [Fact]
    public async Task GatewayOutageSwitch_OutsideDevelopment_IsNotMapped()
    {
        // What a production host needs to start: its own secrets. Nothing here reaches Payment's tables.
        await using var production = new CommerceHostFactory(fixture.ConnectionString, "Payment", new Dictionary<string, string?>
        {
            ["environment"] = "Production",
            [PaymentContext.TokenKeySetting] = Convert.ToBase64String(new byte[32]),
            ["Commerce:RolePasswords:Payment"] = Guid.NewGuid().ToString("N"),
            ["Authentication:RequireHttpsMetadata"] = "false",
        }).Start();
        var operatorClient = await production.ClientAsAsync(Clients.Operator);
        using var anonymous = new HttpClient { BaseAddress = production.Address };

        var asOperator = await operatorClient.PostAsJsonAsync("/payments/gateway/outage", new GatewayOutageRequest(true), CommerceJson.Options);
        var asAnyone = await anonymous.PostAsJsonAsync("/payments/gateway/outage", new GatewayOutageRequest(true), CommerceJson.Options);
        var otherRoute = await anonymous.GetAsync($"/payments/methods?customerId={fixture.CustomerId}");

        // No route at all (an existing one would ask for a token first), while Payment's other routes are there.
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (asOperator.StatusCode, asAnyone.StatusCode));
        Assert.Equal(HttpStatusCode.Unauthorized, otherRoute.StatusCode);
    }

    /// <summary>Money moved for the saga: its worker and operators only.</summary>
    private static Dictionary<CallerKind, int> SagaOnly(int allowed) =>
        AccessMatrix.Expect(otherCustomer: Refused, customer: Refused, @operator: allowed, rightService: allowed);
}

/// <summary>Payment's host with two registered customers (the owner of what the rows make, and another) and their tokens.</summary>
public sealed partial class PaymentAccessFixture : PaymentFixture, IAsyncLifetime
{
    private readonly Dictionary<CallerKind, string?> tokens = [];

    public Guid CustomerId { get; private set; }

    public Guid OtherCustomerId { get; private set; }

    // Re-implements IAsyncLifetime: xunit then calls this, which starts the host first.
    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var tokenServer = new HttpClient { BaseAddress = App.TokenServer };
        var (customer, customerEmail) = await RegisterAsync(tokenServer);
        var (other, otherEmail) = await RegisterAsync(tokenServer);
        (CustomerId, OtherCustomerId) = (customer, other);
        tokens[CallerKind.Anonymous] = null;
        tokens[CallerKind.OtherCustomer] = await TestIdentity.CustomerTokenAsync(App.TokenServer, otherEmail);
        tokens[CallerKind.Customer] = await TestIdentity.CustomerTokenAsync(App.TokenServer, customerEmail);
        tokens[CallerKind.Operator] = await TestIdentity.ClientTokenAsync(App.TokenServer, Clients.Operator);
        tokens[CallerKind.WrongService] = await TestIdentity.ClientTokenAsync(App.TokenServer, TestIdentity.StrangerClient);
        tokens[CallerKind.RightService] = await TestIdentity.ClientTokenAsync(App.TokenServer, Clients.SagaWorker);
    }

    /// <summary>A client per kind of caller, each sending <paramref name="idempotencyKey"/> when given.</summary>
    public IReadOnlyDictionary<CallerKind, HttpClient> Callers(string? idempotencyKey = null) => tokens.ToDictionary(
        caller => caller.Key,
        caller =>
        {
            var client = caller.Value is null ? new HttpClient { BaseAddress = App.Address } : TestIdentity.ClientWith(App.Address, caller.Value);
            if (idempotencyKey is not null)
            {
                client.DefaultRequestHeaders.Add("Idempotency-Key", idempotencyKey);
            }

            return client;
        });

    /// <summary>Replaces each placeholder (see <see cref="AuthorizationTests.Routes"/>) with a resource made for it.</summary>
    public async Task<string> ResolveAsync(string template)
    {
        var resolved = template;
        foreach (Match placeholder in Placeholder().Matches(template))
        {
            var value = placeholder.Groups["kind"].Value switch
            {
                "customer" => CustomerId.ToString(),
                "method" => (await NewMethodAsync()).ToString(),
                "payment" => (await NewPaymentAsync(placeholder.Groups["state"].Value)).Id.ToString(),
                "paymentOrder" => (await NewPaymentAsync(nameof(PaymentStatus.Authorized))).OrderId.ToString(),
                var kind => throw new ArgumentException($"No placeholder {kind}."),
            };
            resolved = resolved.Replace(placeholder.Value, value, StringComparison.Ordinal);
        }

        return resolved;
    }

    private async Task<Guid> NewMethodAsync()
    {
        var response = await Client.PostAsJsonAsync("/payments/methods",
            new AddPaymentMethodRequest(CustomerId, TestCards.Success, 12, DateTime.UtcNow.Year + 2), CommerceJson.Options);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<PaymentMethodResponse>(CommerceJson.Options))!.Id;
    }

    private async Task<PaymentResponse> NewPaymentAsync(string state)
    {
        var payment = await SendAsync($"/payments/authorizations", new AuthorizePaymentRequest(Guid.NewGuid(), await NewMethodAsync(), 10m, "USD", CustomerId));
        return state switch
        {
            nameof(PaymentStatus.Authorized) => payment,
            nameof(PaymentStatus.Captured) => await SendAsync($"/payments/{payment.Id}/capture", new CapturePaymentRequest()),
            _ => throw new ArgumentException($"No payment state {state}."),
        };
    }

    private async Task<PaymentResponse> SendAsync<T>(string path, T body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: CommerceJson.Options) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var response = await Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<PaymentResponse>(CommerceJson.Options))!;
    }

    private static async Task<(Guid Id, string Email)> RegisterAsync(HttpClient tokenServer)
    {
        var email = $"ada-{Guid.NewGuid():N}@example.com";
        var response = await tokenServer.PostAsJsonAsync("/customers",
            new RegisterCustomerRequest("Ada Lovelace", email, Password: TestIdentity.CustomerPassword), CommerceJson.Options);
        response.EnsureSuccessStatusCode();
        return ((await response.Content.ReadFromJsonAsync<CustomerResponse>(CommerceJson.Options))!.Id, email);
    }

    [GeneratedRegex(@"\{(?<kind>[a-zA-Z]+)(:(?<state>[A-Za-z]+))?\}")]
    private static partial Regex Placeholder();
}
