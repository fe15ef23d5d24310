using System.Net.Http.Json;
using Commerce.ServiceDefaults;
using Commerce.ShoppingCart.Contracts;

namespace Commerce.ShoppingCart.Tests;

/// <summary>The cart host with a customer who owns a cart, another customer, an operator, a stranger service and no one.</summary>
public sealed class CartAccessFixture : CartFixture, IAsyncLifetime
{
    public Guid OwnerId { get; private set; }

    public Guid ProductId { get; private set; }

    public Dictionary<CallerKind, HttpClient> Callers { get; } = [];

    public async Task ResetCartAsync()
    {
        (await Callers[CallerKind.Customer].PutAsJsonAsync($"/carts/{OwnerId}/items/{ProductId}", new SetCartItemRequest(1), CommerceJson.Options))
            .EnsureSuccessStatusCode();
    }

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var (ownerId, owner) = await NewCustomerAsync();
        OwnerId = ownerId;
        ProductId = (await NewProductAsync()).Id;
        Callers[CallerKind.Anonymous] = Anonymous;
        Callers[CallerKind.OtherCustomer] = (await NewCustomerAsync()).Client;
        Callers[CallerKind.Customer] = owner;
        Callers[CallerKind.Operator] = Client;
        Callers[CallerKind.WrongService] = await App.ClientAsAsync(TestIdentity.StrangerClient);
    }
}

/// <summary>
/// The authorization matrix of every Shopping Cart route: a cart is its customer's (another customer's answers 404,
/// as if it did not exist) and operators may act on any (support); no service calls these routes. Each row starts
/// from the owner's cart holding one product. This host runs no Pricing, so applying a coupon answers 503 to those let in.
/// </summary>
public sealed class AuthorizationTests(CartAccessFixture fixture) : IClassFixture<CartAccessFixture>
{
    private static readonly Dictionary<string, Func<CartAccessFixture, AccessCase>> Rows = new Dictionary<string, Func<CartAccessFixture, AccessCase>>
    {
        ["GET cart"] = f => Row("GET cart", HttpMethod.Get, $"/carts/{f.OwnerId}", 200),
        ["PUT item"] = f => Row("PUT item", HttpMethod.Put, $"/carts/{f.OwnerId}/items/{f.ProductId}", 200, """{"quantity":2}"""),
        ["DELETE item"] = f => Row("DELETE item", HttpMethod.Delete, $"/carts/{f.OwnerId}/items/{f.ProductId}", 200),
        ["DELETE cart"] = f => Row("DELETE cart", HttpMethod.Delete, $"/carts/{f.OwnerId}", 204),
        ["PUT coupon"] = f => Row("PUT coupon", HttpMethod.Put, $"/carts/{f.OwnerId}/coupon", 503, """{"code":"SAVE10"}"""),
        ["DELETE coupon"] = f => Row("DELETE coupon", HttpMethod.Delete, $"/carts/{f.OwnerId}/coupon", 200),
        // Without an Idempotency-Key those let in get a 400; the other customer still learns nothing of the cart.
        ["POST checkout"] = f => Row("POST checkout", HttpMethod.Post, $"/carts/{f.OwnerId}/checkout", 400, $$"""{"paymentMethodId":"{{Guid.NewGuid()}}"}"""),
    };

    public static TheoryData<string> Routes => [.. Rows.Keys];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_AsEachCaller_AnswersItsPolicy(string route)
    {
        await fixture.ResetCartAsync();

        await AccessMatrix.AssertAsync(Rows[route](fixture), fixture.Callers);
    }

    /// <summary>The owner and operators get the route's answer; another customer 404.</summary>
    private static AccessCase Row(string name, HttpMethod method, string path, int allowed, string? body = null) =>
        new(name, method, path, AccessMatrix.Expect(otherCustomer: 404, customer: allowed, @operator: allowed), body);
}
