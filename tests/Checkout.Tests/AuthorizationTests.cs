using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Commerce.Checkout.Contracts;
using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.Inventory.Contracts;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Checkout.Tests;

/// <summary>Who may call each of the Checkout API's order routes (issue 11), as each kind of caller with a real token.</summary>
public sealed partial class AuthorizationTests(AuthorizationTests.AccessSystem system) : IClassFixture<AuthorizationTests.AccessSystem>
{
    private const int Anonymous = 401;
    private const int Refused = 403;
    private const int NotFound = 404;

    /// <summary>
    /// One row per route. <c>{order}</c> is a new order of the customer, <c>{method}</c> a new card of theirs; every
    /// placeholder is made anew for its row. No service calls these routes. Callers run in the order listed, so an
    /// allowed caller after another meets a repeat.
    /// </summary>
    public static TheoryData<AccessCase> Routes { get; } = new()
    {
        new("POST /checkout/orders/{id}/submit", HttpMethod.Post, "/checkout/orders/{order}/submit",
            AccessMatrix.Expect(otherCustomer: NotFound, customer: 200, @operator: 200), """{"paymentMethodId":"{method}"}"""),
        new("GET /checkout/orders/{id}", HttpMethod.Get, "/checkout/orders/{order}", AccessMatrix.Expect(otherCustomer: NotFound, customer: 200, @operator: 200)),
        new("POST /checkout/orders/{id}/cancel", HttpMethod.Post, "/checkout/orders/{order}/cancel",
            AccessMatrix.Expect(otherCustomer: NotFound, customer: 202, @operator: 202), """{"reason":"Changed my mind"}"""),
        // Operator tools: an order with no saga has nothing to retry (404 once past the policy).
        new("POST /checkout/orders/{id}/retry", HttpMethod.Post, "/checkout/orders/{order}/retry", AccessMatrix.Expect(otherCustomer: Refused, customer: Refused, @operator: NotFound)),
        new("GET /checkout/orders", HttpMethod.Get, "/checkout/orders", AccessMatrix.Expect(otherCustomer: Refused, customer: Refused, @operator: 200)),
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_AsEachCaller_AnswersAsItsPolicySays(AccessCase route)
    {
        var resolved = route with { Path = await system.ResolveAsync(route.Path), Body = route.Body is null ? null : await system.ResolveAsync(route.Body) };

        await AccessMatrix.AssertAsync(resolved, system.Callers);
    }

    [Fact]
    public async Task Submit_AnotherCustomersOrderWithTheirCard_Is404AndStartsNoSaga()
    {
        var order = Guid.Parse(await system.ResolveAsync("{order}"));
        var card = await system.ResolveAsync("{method}");

        var response = await system.Callers[CallerKind.OtherCustomer].PostAsJsonAsync(
            $"/checkout/orders/{order}/submit", new SubmitCheckoutRequest(Guid.Parse(card)), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(await system.Sagas.FindAsync(order));
    }

    [Fact]
    public async Task Submit_OwnOrderWithAnotherCustomersCard_IsRefusedAndStartsNoSaga()
    {
        var order = Guid.Parse(await system.ResolveAsync("{order}"));
        var someoneElses = await system.NewMethodAsync(system.OtherCustomerId);

        var response = await system.Callers[CallerKind.Customer].PostAsJsonAsync(
            $"/checkout/orders/{order}/submit", new SubmitCheckoutRequest(someoneElses), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Null(await system.Sagas.FindAsync(order));
    }

    /// <summary>The whole system with two registered customers (the owner of what the rows make, and another).</summary>
    public sealed partial class AccessSystem : WholeSystem
    {
        public IReadOnlyDictionary<CallerKind, HttpClient> Callers { get; private set; } = null!;

        public Guid CustomerId { get; private set; }

        public Guid OtherCustomerId { get; private set; }

        // A loaded machine must not turn the submit row's 200 into a 202.
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Checkout:DecisionTimeout"] = "00:01:00" };

        /// <summary>Replaces each placeholder (see <see cref="Routes"/>) with a resource made for it.</summary>
        public async Task<string> ResolveAsync(string template)
        {
            var resolved = template;
            foreach (Match placeholder in Placeholder().Matches(template))
            {
                var value = placeholder.Value switch
                {
                    "{order}" => (await NewOrderAsync()).ToString(),
                    "{method}" => (await NewMethodAsync(CustomerId)).ToString(),
                    var other => throw new ArgumentException($"No placeholder {other}."),
                };
                resolved = resolved.Replace(placeholder.Value, value, StringComparison.Ordinal);
            }

            return resolved;
        }

        public async Task<Guid> NewMethodAsync(Guid customerId) =>
            (await Api<IPaymentApi>().AddPaymentMethodAsync(new AddPaymentMethodRequest(customerId, TestCards.Success, 12, DateTime.UtcNow.Year + 2))).Id;

        protected override async Task SeedAsync()
        {
            var (customer, customerEmail) = await RegisterAsync();
            var (other, otherEmail) = await RegisterAsync();
            (CustomerId, OtherCustomerId) = (customer, other);
            Callers = new Dictionary<CallerKind, HttpClient>
            {
                [CallerKind.Anonymous] = Anonymous,
                [CallerKind.OtherCustomer] = await CustomerClientAsync(otherEmail),
                [CallerKind.Customer] = await CustomerClientAsync(customerEmail),
                [CallerKind.Operator] = Http,
                [CallerKind.WrongService] = await ClientAsAsync(TestIdentity.StrangerClient),
            };
        }

        /// <summary>A Created order of the customer for one unit of a new product in stock.</summary>
        private async Task<Guid> NewOrderAsync()
        {
            var sku = $"SKU-{Guid.NewGuid():N}"[..20];
            var product = await Api<IProductApi>().CreateProductAsync(new CreateProductRequest(sku, "Analytical Engine", "machines", 12.50m, "EUR"));
            await Api<IInventoryApi>().ReceiveAsync(sku, new ReceiveStockRequest("WH-1", 5));
            return (await Api<IOrderApi>().CreateOrderAsync(new CreateOrderRequest(CustomerId, [new CreateOrderItem(product.Id, 1)]))).Id;
        }

        private async Task<(Guid Id, string Email)> RegisterAsync()
        {
            var email = $"ada-{Guid.NewGuid():N}@example.com";
            var customer = await Api<ICustomerApi>().RegisterAsync(new RegisterCustomerRequest("Ada Lovelace", email, Addresses:
            [
                new AddressInput(AddressKind.Shipping, "Ada Lovelace", "12 St James's Square", "London", "SW1Y 4JH", "GB", IsDefault: true),
                new AddressInput(AddressKind.Billing, "Ada Lovelace", "12 St James's Square", "London", "SW1Y 4JH", "GB", IsDefault: true),
            ], Password: TestIdentity.CustomerPassword));
            return (customer.Id, email);
        }

        [GeneratedRegex(@"\{(order|method)\}")]
        private static partial Regex Placeholder();
    }
}
