using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.Order.Contracts;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;
using Commerce.Testing;

namespace Commerce.Order.Tests;

/// <summary>
/// Who may call each of Order's routes (issue 11), as each kind of caller with a real token: Order with the real
/// Customer (the token server, and the owner Order asks) and Product beside it.
/// </summary>
public sealed class AuthorizationTests(OrderAccessSystem system) : IClassFixture<OrderAccessSystem>
{
    private const int Refused = 403;
    private const int NotFound = 404;

    /// <summary>
    /// One row per route. <c>{order}</c> is a new order of the customer (<c>{order:Submitted}</c>... moved that far by
    /// an operator), <c>{customer}</c> and <c>{product}</c> theirs; every placeholder is made anew for its row. The
    /// right service is the saga worker. Callers run in the order listed, so an allowed caller after another meets
    /// an idempotent repeat.
    /// </summary>
    public static TheoryData<AccessCase> Routes { get; } = new()
    {
        new("POST /orders", HttpMethod.Post, "/orders", AccessMatrix.Expect(otherCustomer: NotFound, customer: 201, @operator: 201),
            """{"customerId":"{customer}","items":[{"productId":"{product}","quantity":1}]}"""),
        // Another customer's list is theirs only: filtered, not refused (see ListOrders_AsCustomer_...).
        new("GET /orders", HttpMethod.Get, "/orders?customerId={customer}", AccessMatrix.Expect(otherCustomer: 200, customer: 200, @operator: 200)),
        new("GET /orders/{id}", HttpMethod.Get, "/orders/{order}", AccessMatrix.Expect(otherCustomer: NotFound, customer: 200, @operator: 200, rightService: 200)),
        new("POST /orders/{id}/submit", HttpMethod.Post, "/orders/{order}/submit", SagaOnly(), "{}"),
        new("POST /orders/{id}/confirm", HttpMethod.Post, "/orders/{order:Submitted}/confirm", SagaOnly(), "{}"),
        new("POST /orders/{id}/ship", HttpMethod.Post, "/orders/{order:Confirmed}/ship", SagaOnly(), "{}"),
        new("POST /orders/{id}/deliver", HttpMethod.Post, "/orders/{order:Shipped}/deliver", SagaOnly(), "{}"),
        new("POST /orders/{id}/cancel (created)", HttpMethod.Post, "/orders/{order}/cancel",
            AccessMatrix.Expect(otherCustomer: NotFound, customer: 200, @operator: 200, rightService: 200), """{"reason":"Changed my mind"}"""),
        // Once submitted only the saga cancels, because only the saga compensates; the customer asks the Checkout API.
        new("POST /orders/{id}/cancel (submitted)", HttpMethod.Post, "/orders/{order:Submitted}/cancel",
            AccessMatrix.Expect(otherCustomer: NotFound, customer: 409, @operator: 200, rightService: 200), """{"reason":"Changed my mind"}"""),
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_AsEachCaller_AnswersAsItsPolicySays(AccessCase route)
    {
        var resolved = route with { Path = await system.ResolveAsync(route.Path), Body = route.Body is null ? null : await system.ResolveAsync(route.Body) };

        await AccessMatrix.AssertAsync(resolved, system.Callers);
    }

    [Fact]
    public async Task ListOrders_AsCustomer_HoldsTheirOwnOnly_AndAnotherCustomersIsEmpty()
    {
        var mine = Guid.Parse(await system.ResolveAsync("{order}"));
        var others = await system.CreateOrderAsync(system.OtherCustomerId);

        var page = await system.Callers[CallerKind.Customer].GetFromJsonAsync<OrderPage>("/orders?pageSize=200", CommerceJson.Options);
        var theirs = await system.Callers[CallerKind.Customer].GetFromJsonAsync<OrderPage>(
            $"/orders?customerId={system.OtherCustomerId}", CommerceJson.Options);

        Assert.Contains(page!.Items, o => o.Id == mine);
        Assert.DoesNotContain(page.Items, o => o.Id == others.Id);
        Assert.All(page.Items, o => Assert.Equal(system.CustomerId, o.CustomerId));
        Assert.Equal((0, 0), (theirs!.Items.Count, theirs.TotalCount));
    }

    [Fact]
    public async Task GetOrder_AnotherCustomers_IsTheSameProblemAsAMissingOne()
    {
        var order = Guid.Parse(await system.ResolveAsync("{order}"));
        var missing = Guid.NewGuid();

        var another = await (await system.Callers[CallerKind.OtherCustomer].GetAsync($"/orders/{order}")).Content.ReadFromJsonAsync<Problem>();
        var none = await (await system.Callers[CallerKind.OtherCustomer].GetAsync($"/orders/{missing}")).Content.ReadFromJsonAsync<Problem>();

        Assert.Equal((404, "Not found", $"No order {order}."), (another!.Status, another.Title, another.Detail));
        Assert.Equal((404, "Not found", $"No order {missing}."), (none!.Status, none.Title, none.Detail));
    }

    [Fact]
    public async Task CreateOrder_CustomerNamingAnotherCustomer_Is404AndWritesNothing()
    {
        var product = await system.ResolveAsync("{product}");
        var before = await system.Sql.CountAsync("\"order\".orders", "customer_id = $1", system.OtherCustomerId);

        var response = await system.Callers[CallerKind.Customer].PostAsJsonAsync("/orders",
            new CreateOrderRequest(system.OtherCustomerId, [new CreateOrderItem(Guid.Parse(product), 1)]), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before, await system.Sql.CountAsync("\"order\".orders", "customer_id = $1", system.OtherCustomerId));
    }

    [Fact]
    public async Task CancelOrder_CustomerOnceSubmitted_IsConflictAndChangesNothing()
    {
        var order = Guid.Parse(await system.ResolveAsync("{order:Submitted}"));

        var response = await system.Callers[CallerKind.Customer].PostAsJsonAsync($"/orders/{order}/cancel", new CancelOrderRequest("Changed my mind"), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var after = await system.Callers[CallerKind.Operator].GetFromJsonAsync<OrderResponse>($"/orders/{order}", CommerceJson.Options);
        Assert.Equal((OrderStatus.Submitted, 2), (after!.Status, after.Version));
    }

    /// <summary>A state change the saga makes: its worker and operators only.</summary>
    private static Dictionary<CallerKind, int> SagaOnly() => AccessMatrix.Expect(otherCustomer: Refused, customer: Refused, @operator: 200, rightService: 200);

    private sealed record Problem(int Status, string Title, string Detail);
}

/// <summary>
/// Order, Customer and Product in one host on this class's database; two registered customers (the owner of what the
/// rows make, and another) and a client for each kind of caller.
/// </summary>
public sealed partial class OrderAccessSystem : IAsyncLifetime
{
    private readonly PostgresDatabase<CommerceTemplate> database = new();
    private CommerceHostFactory host = null!;

    public IReadOnlyDictionary<CallerKind, HttpClient> Callers { get; private set; } = null!;

    public Guid CustomerId { get; private set; }

    public Guid OtherCustomerId { get; private set; }

    public Sql Sql { get; private set; } = null!;

    private HttpClient Operator => Callers[CallerKind.Operator];

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        Sql = new Sql(database.ConnectionString);
        host = new CommerceHostFactory(database.ConnectionString, "Order,Product,Customer").Start();
        var anonymous = host.CreateClient();
        var (customer, customerEmail) = await RegisterAsync(anonymous);
        var (other, otherEmail) = await RegisterAsync(anonymous);
        (CustomerId, OtherCustomerId) = (customer, other);
        Callers = new Dictionary<CallerKind, HttpClient>
        {
            [CallerKind.Anonymous] = anonymous,
            [CallerKind.OtherCustomer] = await host.CustomerClientAsync(otherEmail),
            [CallerKind.Customer] = await host.CustomerClientAsync(customerEmail),
            [CallerKind.Operator] = await host.ClientAsAsync(Clients.Operator),
            [CallerKind.WrongService] = await host.ClientAsAsync(TestIdentity.StrangerClient),
            [CallerKind.RightService] = await host.ClientAsAsync(Clients.SagaWorker),
        };
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await database.DisposeAsync();
    }

    /// <summary>Replaces each placeholder (see <see cref="AuthorizationTests.Routes"/>) with a resource made for it.</summary>
    public async Task<string> ResolveAsync(string template)
    {
        var resolved = template;
        foreach (Match placeholder in Placeholder().Matches(template))
        {
            var value = placeholder.Groups["kind"].Value switch
            {
                "customer" => CustomerId.ToString(),
                "product" => (await NewProductAsync()).ToString(),
                "order" => (await NewOrderAsync(placeholder.Groups["state"].Value)).ToString(),
                var kind => throw new ArgumentException($"No placeholder {kind}."),
            };
            resolved = resolved.Replace(placeholder.Value, value, StringComparison.Ordinal);
        }

        return resolved;
    }

    public async Task<OrderResponse> CreateOrderAsync(Guid customerId)
    {
        var response = await Operator.PostAsJsonAsync("/orders", new CreateOrderRequest(customerId, [new CreateOrderItem(await NewProductAsync(), 1)]), CommerceJson.Options);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<OrderResponse>(CommerceJson.Options))!;
    }

    private async Task<Guid> NewOrderAsync(string state)
    {
        var order = await CreateOrderAsync(CustomerId);
        string[] steps = state switch
        {
            "" => [],
            nameof(OrderStatus.Submitted) => ["submit"],
            nameof(OrderStatus.Confirmed) => ["submit", "confirm"],
            nameof(OrderStatus.Shipped) => ["submit", "confirm", "ship"],
            _ => throw new ArgumentException($"No order state {state}."),
        };
        foreach (var step in steps)
        {
            (await Operator.PostAsJsonAsync($"/orders/{order.Id}/{step}", new { }, CommerceJson.Options)).EnsureSuccessStatusCode();
        }

        return order.Id;
    }

    private async Task<Guid> NewProductAsync()
    {
        var response = await Operator.PostAsJsonAsync("/products",
            new CreateProductRequest($"SKU-{Guid.NewGuid():N}"[..16], "Desk lamp", "Home", 40.00m, "USD"), CommerceJson.Options);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ProductResponse>(CommerceJson.Options))!.Id;
    }

    private static async Task<(Guid Id, string Email)> RegisterAsync(HttpClient anonymous)
    {
        var email = $"ada-{Guid.NewGuid():N}@example.com";
        var response = await anonymous.PostAsJsonAsync("/customers", new RegisterCustomerRequest("Ada Lovelace", email, Addresses:
        [
            new AddressInput(AddressKind.Billing, "Ada Lovelace", "12 St James's Square", "London", "SW1Y 4JH", "GB", IsDefault: true),
            new AddressInput(AddressKind.Shipping, "Ada Lovelace", "12 St James's Square", "London", "SW1Y 4JH", "GB", IsDefault: true),
        ], Password: TestIdentity.CustomerPassword), CommerceJson.Options);
        response.EnsureSuccessStatusCode();
        return ((await response.Content.ReadFromJsonAsync<CustomerResponse>(CommerceJson.Options))!.Id, email);
    }

    [GeneratedRegex(@"\{(?<kind>[a-z]+)(:(?<state>[A-Za-z]+))?\}")]
    private static partial Regex Placeholder();
}
