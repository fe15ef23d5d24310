using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Commerce.Pricing.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Commerce.ServiceDefaults.Security;
using Commerce.ShoppingCart.Contracts;

namespace Commerce.Pricing.Tests;

/// <summary>Who may call each of Pricing's routes, as each kind of caller with a real token.</summary>
public sealed partial class AuthorizationTests(PricingAccessSystem system) : IClassFixture<PricingAccessSystem>
{
    private const int NotFound = 404;

    /// <summary>
    /// One row per route, and the service it exists for (the right service). <c>{customer}</c> is the customer's id;
    /// <c>{product}</c>, <c>{quote}</c> (the customer's), <c>{rule}</c> and <c>{demand}</c> (a product carts added) are
    /// made anew for each row. Callers run in the order listed.
    /// </summary>
    public static TheoryData<string, AccessCase> Routes { get; } = new()
    {
        {
            "shoppingcart", new("POST /pricing/quotes", HttpMethod.Post, "/pricing/quotes",
                AccessMatrix.Expect(otherCustomer: NotFound, customer: 201, @operator: 201, rightService: 201),
                """{"customerId":"{customer}","lines":[{"productId":"{product}","quantity":2}]}""")
        },
        {
            "order", new("GET /pricing/quotes/{id} (order)", HttpMethod.Get, "/pricing/quotes/{quote}",
                AccessMatrix.Expect(otherCustomer: NotFound, customer: 200, @operator: 200, rightService: 200))
        },
        {
            "shoppingcart", new("GET /pricing/quotes/{id} (shopping cart)", HttpMethod.Get, "/pricing/quotes/{quote}",
                AccessMatrix.Expect(otherCustomer: NotFound, customer: 200, @operator: 200, rightService: 200))
        },
        {
            "stranger", AccessMatrix.ServiceRoute("POST /pricing/rules", HttpMethod.Post, "/pricing/rules", @operator: 201,
                body: """{"kind":"QuantityTier","name":"Pairs","productId":"{product}","minimumQuantity":2,"percent":5}""")
        },
        { "stranger", AccessMatrix.ServiceRoute("GET /pricing/rules", HttpMethod.Get, "/pricing/rules", @operator: 200) },
        { "stranger", AccessMatrix.ServiceRoute("GET /pricing/rules/{id}", HttpMethod.Get, "/pricing/rules/{rule}", @operator: 200) },
        { "stranger", AccessMatrix.ServiceRoute("POST /pricing/rules/{id}/retire", HttpMethod.Post, "/pricing/rules/{rule}/retire", @operator: 200) },
        { "stranger", AccessMatrix.ServiceRoute("GET /pricing/demand/{productId}", HttpMethod.Get, "/pricing/demand/{demand}", @operator: 200) },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_AsEachCaller_AnswersAsItsPolicySays(string rightService, AccessCase route)
    {
        var resolved = route with { Path = await ResolveAsync(route.Path), Body = route.Body is null ? null : await ResolveAsync(route.Body) };
        var callers = new Dictionary<CallerKind, HttpClient>(system.Callers)
        {
            [CallerKind.RightService] = await system.Host.ClientAsAsync(rightService),
        };

        await AccessMatrix.AssertAsync(resolved, callers);
    }

    private async Task<string> ResolveAsync(string template)
    {
        var resolved = template;
        foreach (Match placeholder in Placeholder().Matches(template))
        {
            var value = placeholder.Groups["kind"].Value switch
            {
                "customer" => system.CustomerId.ToString(),
                "product" => (await system.ProductAsync(4.00m)).Id.ToString(),
                "quote" => (await system.QuoteAsync(system.CustomerId, ((await system.ProductAsync(4.00m)).Id, 1))).QuoteId.ToString(),
                "rule" => (await system.RuleAsync(new PricingRuleRequest(PricingRuleKind.MembershipDiscount, "Silver", Membership: "Silver", Percent: 1m))).Id.ToString(),
                "demand" => (await DemandAsync()).ToString(),
                var kind => throw new ArgumentException($"No placeholder {kind}."),
            };
            resolved = resolved.Replace(placeholder.Value, value, StringComparison.Ordinal);
        }

        return resolved;
    }

    private async Task<Guid> DemandAsync()
    {
        var (product, cart) = (Guid.NewGuid(), Guid.NewGuid());
        Assert.Equal(InboxOutcome.Processed, await system.Operator.DeliverAsync("pricing",
            TestSupport.Envelope("ShoppingCart", cart.ToString(), 1, new ItemAddedToCart(cart, system.CustomerId, product, 1, 1))));
        return product;
    }

    [GeneratedRegex(@"\{(?<kind>[a-z]+)\}")]
    private static partial Regex Placeholder();
}

/// <summary>Pricing, Product and Customer; two registered customers (the owner of what the rows make, and another) and a client per kind of caller.</summary>
public sealed class PricingAccessSystem : PricingSystem
{
    public IReadOnlyDictionary<CallerKind, HttpClient> Callers { get; private set; } = null!;

    public Guid CustomerId { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var (customer, customerClient) = await CustomerAsync();
        var (_, otherClient) = await CustomerAsync();
        CustomerId = customer;
        Callers = new Dictionary<CallerKind, HttpClient>
        {
            [CallerKind.Anonymous] = Anonymous,
            [CallerKind.OtherCustomer] = otherClient,
            [CallerKind.Customer] = customerClient,
            [CallerKind.Operator] = Operator,
            [CallerKind.WrongService] = await Host.ClientAsAsync(TestIdentity.StrangerClient),
        };
    }
}
