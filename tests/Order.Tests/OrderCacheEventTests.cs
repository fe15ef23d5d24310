using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;

namespace Commerce.Order.Tests;

/// <summary>Order's inbox, fed as Customer's and Product's dispatchers would feed it (POST /events/order).</summary>
public sealed class OrderCacheEventTests(OrderHost host) : IClassFixture<OrderHost>
{
    [Fact]
    public async Task SameEventDeliveredTwiceAndConcurrently_HasOneEffect()
    {
        var customerId = Guid.NewGuid();
        var registered = Envelope("Customer", customerId, 1, new CustomerRegistered(customerId, "Ada", "ada@example.com", null,
            MembershipLevel.Standard, new CustomerPreferences("en", "USD", [])));
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var deliveries = Enumerable.Range(0, 8).Select(async _ =>
        {
            await start.Task;
            return await DeliverAsync(registered);
        }).ToList();
        start.SetResult();
        var outcomes = await Task.WhenAll(deliveries);
        var again = await DeliverAsync(registered);

        Assert.Single(outcomes, o => o == InboxOutcome.Processed);
        Assert.All(outcomes.Where(o => o != InboxOutcome.Processed), o => Assert.Equal(InboxOutcome.Duplicate, o));
        Assert.Equal(InboxOutcome.Duplicate, again);
        Assert.Equal(1, await host.Sql.CountAsync("\"order\".customer_cache", "customer_id = $1", customerId));
        Assert.Equal(1, await host.Sql.CountAsync("\"order\".inbox_events", "event_id = $1", registered.Id));
    }

    [Fact]
    public async Task RegistrationAfterANewerProfile_KeepsTheNewerProfile_AndStillAddsItsAddresses()
    {
        var customerId = Guid.NewGuid();
        var preferences = new CustomerPreferences("en", "USD", []);
        var address = new AddressResponse(Guid.NewGuid(), AddressKind.Shipping, "Ada", "12 St James's Sq", null, "London", null, "SW1Y 4JH", "GB", true);
        var newer = Envelope("Customer", customerId, 3, new CustomerProfileUpdated(customerId, "Ada King", "ada.king@example.com", null, preferences));
        var older = Envelope("Customer", customerId, 1,
            new CustomerRegistered(customerId, "Ada", "ada@example.com", null, MembershipLevel.Standard, preferences, [address]));

        Assert.Equal(InboxOutcome.Processed, await DeliverAsync(newer));
        Assert.Equal(InboxOutcome.Processed, await DeliverAsync(older));

        var row = (await host.Sql.RowsAsync("""SELECT name, email, version FROM "order".customer_cache WHERE customer_id = $1""", customerId)).Single();
        Assert.Equal(["Ada King", "ada.king@example.com", 3], row);
        Assert.Equal(1, await host.Sql.CountAsync("\"order\".address_cache", "address_id = $1 AND customer_id = $2 AND line1 = $3",
            address.Id, customerId, address.Line1));
    }

    [Fact]
    public async Task CachedCustomerName_AppearsOnTheirOrders()
    {
        var order = await host.NewOrderAsync();

        await DeliverAsync(Envelope("Customer", order.CustomerId, 1, new CustomerRegistered(order.CustomerId, "Grace", "grace@example.com",
            null, MembershipLevel.Gold, new CustomerPreferences("en", "USD", []))));

        var reloaded = await host.GetAsync(order.Id);
        Assert.Equal(("Grace", "grace@example.com"), (reloaded.CustomerName, reloaded.CustomerEmail));
    }

    [Fact]
    public async Task ProductEventsWithoutState_WrittenBeforeEventsCarriedIt_TakeTheProductFromProductsApi()
    {
        var productId = Guid.NewGuid();
        host.Products.Products[productId] = new ProductResponse(productId, "SKU-1", "Desk lamp", "", "Home", 25m, "USD", ProductStatus.Active, [], [], null, 3);
        await DeliverAsync(Envelope("Product", productId, 1, new ProductCreated(productId, "SKU-1", "Lamp", "Home", 20m, "USD")));
        await DeliverAsync(Envelope("Product", productId, 3, new ProductPriceChanged(productId, "SKU-1", 20m, 25m, "USD")));
        var late = await DeliverAsync(Envelope("Product", productId, 2, new ProductUpdated(productId, "SKU-1", "Old lamp", "", "Home")));

        Assert.Equal(InboxOutcome.Stale, late);
        var row = (await host.Sql.RowsAsync("""SELECT name, price, version FROM "order".product_cache WHERE product_id = $1""", productId)).Single();
        Assert.Equal(["Desk lamp", 25m, 3], row);
    }

    [Fact]
    public async Task UnknownEventType_IsAcknowledgedAndIgnored()
    {
        var outcome = await DeliverAsync(Envelope("Product", Guid.NewGuid(), 1, new { Something = 1 }, type: "ProductTeleported"));

        Assert.Equal(InboxOutcome.Unhandled, outcome);
    }

    private async Task<InboxOutcome> DeliverAsync(EventEnvelope envelope)
    {
        var response = await host.Client.PostEnvelopeAsync("order", envelope);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<InboxResponse>(CommerceJson.Options))!.Outcome;
    }

    private static EventEnvelope Envelope<T>(string source, Guid aggregateId, int version, T payload, string? type = null) => new(
        Guid.NewGuid(), type ?? typeof(T).Name, source, aggregateId.ToString(), version, DateTimeOffset.UtcNow,
        JsonSerializer.SerializeToElement(payload, CommerceJson.Options));
}
