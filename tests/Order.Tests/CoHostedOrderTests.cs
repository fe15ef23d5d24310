using System.Net;
using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.Order.Contracts;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;
using Commerce.Testing;

namespace Commerce.Order.Tests;

/// <summary>
/// Order with the real Product and Customer contexts in one host: snapshots come through the Refit clients over
/// HTTP, and Customer's events reach Order's cache through the outbox dispatcher — nothing faked.
/// </summary>
public sealed class CoHostedOrderTests : IAsyncLifetime
{
    private readonly PostgresDatabase<CommerceTemplate> database = new();
    private CommerceHostFactory host = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        host = new CommerceHostFactory(database.ConnectionString, "Order,Product,Customer").Start();
        client = await host.ClientAsAsync(Clients.Operator);
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Order_SnapshotsPriceAtCreationAndAddressAtSubmission_FromTheOwningContexts()
    {
        var product = await PostAsync<ProductResponse>("/products",
            new CreateProductRequest($"LAMP-{Guid.NewGuid():N}"[..12], "Desk lamp", "Home", 40.00m, "USD", "Warm light"));
        var customer = await PostAsync<CustomerResponse>("/customers", new RegisterCustomerRequest(
            "Katherine Johnson", $"kj-{Guid.NewGuid():N}@example.com", Addresses:
            [
                new AddressInput(AddressKind.Billing, "K. Johnson", "1 Langley Blvd", "Hampton", "23681", "US", Region: "VA", IsDefault: true),
                new AddressInput(AddressKind.Shipping, "K. Johnson", "2 Orbit Way", "Hampton", "23666", "US", Region: "VA", IsDefault: true),
            ], Password: TestIdentity.CustomerPassword));

        var order = await PostAsync<OrderResponse>("/orders", new CreateOrderRequest(customer.Id, [new CreateOrderItem(product.Id, 3)]));
        (await client.PutAsJsonAsync($"/products/{product.Id}/price", new ChangePriceRequest(55.00m, "USD"), CommerceJson.Options))
            .EnsureSuccessStatusCode();
        var submitted = await PostAsync<OrderResponse>($"/orders/{order.Id}/submit", new SubmitOrderRequest(), HttpStatusCode.OK);

        Assert.Equal((product.Sku, 40.00m, 120.00m), (submitted.Items.Single().Sku, submitted.Items.Single().UnitPrice, submitted.Total));
        Assert.Equal("2 Orbit Way", submitted.ShippingAddress!.Line1);
        Assert.Equal("1 Langley Blvd", submitted.BillingAddress!.Line1);

        // CustomerRegistered travels Customer's outbox → HTTP → Order's inbox → Order's cache.
        var cached = await Poll.UntilAsync(
            () => client.GetFromJsonAsync<OrderResponse>($"/orders/{order.Id}", CommerceJson.Options), o => o!.CustomerName is not null);
        Assert.Equal(("Katherine Johnson", customer.Email), (cached!.CustomerName, cached.CustomerEmail));
    }

    private async Task<T> PostAsync<T>(string path, object body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await client.PostAsync(path, JsonContent.Create(body, body.GetType(), options: CommerceJson.Options));
        Assert.True(response.StatusCode == expected, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(CommerceJson.Options))!;
    }
}
