using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.Product.Contracts;

namespace Commerce.Order.Tests;

/// <summary>
/// Order's product and customer caches end at the owner's latest state whatever order, and however often, the
/// owner's real events reach POST /events/order.
/// </summary>
public sealed class CacheConvergenceTests(OrderHost host, OwnersFixture owners) : IClassFixture<OrderHost>, IClassFixture<OwnersFixture>
{
    [Fact]
    public async Task ProductEvents_InEveryOrderWithDuplicates_ConvergeToTheLatestProduct()
    {
        var products = owners.Api<IProductApi>();
        var product = await products.CreateProductAsync(new CreateProductRequest($"CONV-{Guid.NewGuid():N}"[..20], "Lamp", "Home", 20m, "USD"));
        await products.UpdateProductAsync(product.Id, new UpdateProductRequest("Desk lamp", "Home"));
        await products.ChangePriceAsync(product.Id, new ChangePriceRequest(25m, "USD"));
        await products.UpdateProductAsync(product.Id, new UpdateProductRequest("LED desk lamp", "Lighting"));
        var latest = await products.DiscontinueAsync(product.Id);
        var events = await owners.Sql.OutboxEnvelopesAsync("product", "Product", product.Id.ToString());

        var converged = await Convergence.AssertEveryOrderConvergesAsync(host.Client, "order", events, product.Id.ToString(),
            () => Guid.NewGuid().ToString(),
            async id => (await host.Sql.RowsAsync(
                    """SELECT sku, name, price, currency, discontinued, version FROM "order".product_cache WHERE product_id = $1""", Guid.Parse(id)))
                .SingleOrDefault());

        Assert.Equal([latest.Sku, "LED desk lamp", 25m, "USD", true, latest.Version], (object?[])converged!);
    }

    [Fact]
    public async Task CustomerEvents_InEveryOrderWithDuplicates_ConvergeToTheLatestProfile()
    {
        var customers = owners.Api<ICustomerApi>();
        var customer = await customers.RegisterAsync(new RegisterCustomerRequest("Ada", $"{Guid.NewGuid():N}@example.com", Password: TestIdentity.CustomerPassword));
        var preferences = new CustomerPreferences("en", "USD", [NotificationChannel.Email]);
        await customers.UpdateProfileAsync(customer.Id, new UpdateCustomerProfileRequest("Ada Lovelace", customer.Email, preferences));
        await customers.AddAddressAsync(customer.Id, new AddressInput(AddressKind.Shipping, "Ada", "1 Analytical St", "London", "N1", "GB"));
        var email = $"{Guid.NewGuid():N}@example.com";
        var profiled = await customers.UpdateProfileAsync(customer.Id, new UpdateCustomerProfileRequest("Ada King", email, preferences));
        await customers.UpgradeMembershipAsync(customer.Id, new UpgradeMembershipRequest(MembershipLevel.Gold));
        var events = await owners.Sql.OutboxEnvelopesAsync("customer", "Customer", customer.Id.ToString());

        var converged = await Convergence.AssertEveryOrderConvergesAsync(host.Client, "order", events, customer.Id.ToString(),
            () => Guid.NewGuid().ToString(),
            async id => (await host.Sql.RowsAsync(
                    """SELECT name, email, version FROM "order".customer_cache WHERE customer_id = $1""", Guid.Parse(id)))
                .SingleOrDefault());

        Assert.Equal(["Ada King", email, profiled.Version], (object?[])converged!);
    }
}
