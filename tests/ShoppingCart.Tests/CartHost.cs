global using Commerce.Host.Testing;
global using Xunit;
using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ShoppingCart.Abandonment;
using Commerce.ShoppingCart.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace Commerce.ShoppingCart.Tests;

/// <summary>A settable clock: abandonment and expiry are tested by moving time, not by waiting.</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}

/// <summary>
/// Shopping Cart with the owners it caches (Product, Customer) on one test class's database; products are made through
/// Product's API and customers register through Customer's, so their events reach the caches as in production.
/// </summary>
public class CartFixture : ContextFixture
{
    private static readonly RefitSettings Refit = new() { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) };

    public ManualClock Clock { get; } = new();

    protected override string Contexts => "ShoppingCart,Product,Customer";

    public IProductApi Products => RestService.For<IProductApi>(Client, Refit);

    public CartAbandonmentSweeper Sweeper => App.Services.GetRequiredService<CartAbandonmentSweeper>();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    public static IShoppingCartApi Carts(HttpClient client) => RestService.For<IShoppingCartApi>(client, Refit);

    /// <summary>A newly registered customer and a client signed in as them.</summary>
    public async Task<(Guid Id, HttpClient Client)> NewCustomerAsync()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        using var response = await Anonymous.PostAsJsonAsync("/customers",
            new RegisterCustomerRequest("Shopper Sam", email, Password: TestIdentity.CustomerPassword), CommerceJson.Options);
        response.EnsureSuccessStatusCode();
        var customer = (await response.Content.ReadFromJsonAsync<CustomerResponse>(CommerceJson.Options))!;
        return (customer.Id, await App.CustomerClientAsync(email));
    }

    public Task<ProductResponse> NewProductAsync(decimal price = 10m, string currency = "USD") =>
        Products.CreateProductAsync(new CreateProductRequest($"CART-{Guid.NewGuid():N}"[..20], "Cart test product", "Carts", price, currency));

    /// <summary>Polls <paramref name="condition"/> (an event crossing the outbox) for up to ten seconds.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }

    public Task<long> CartsOfAsync(Guid customerId) => Sql.CountAsync("shoppingcart.carts", "customer_id = $1", customerId);

    public async Task<List<string>> EventTypesAsync(Guid cartId) => [.. (await Sql.EventsAsync("shoppingcart", cartId)).Select(e => e.Type)];
}
