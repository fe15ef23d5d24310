using Commerce.Inventory.Contracts;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Refit;

namespace Commerce.Product.Tests;

public sealed class ProductStockCacheTests(ProductFixture fixture) : IClassFixture<ProductFixture>
{
    private readonly IProductApi api = RestService.For<IProductApi>(
        fixture.Client, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    [Fact]
    public async Task StockLevelChanged_FromTwoWarehouses_CachesTheSum()
    {
        var product = await CreateAsync("STOCK-1");

        await fixture.Client.DeliverAsync("product", Stock("STOCK-1", "east", 1, available: 7));
        await fixture.Client.DeliverAsync("product", Stock("STOCK-1", "west", 1, available: 5));

        Assert.Equal(12, (await api.GetProductAsync(product.Id)).AvailableQuantity);
        var page = await api.SearchProductsAsync(new ProductSearch { Text = "STOCK-1" });
        Assert.Equal(12, Assert.Single(page.Items).AvailableQuantity);
    }

    [Fact]
    public async Task StockLevelChanged_DeliveredTwice_HasOneEffect()
    {
        var product = await CreateAsync("STOCK-2");
        var envelope = Stock("STOCK-2", "east", 1, available: 9);

        var first = await fixture.Client.DeliverAsync("product", envelope);
        // A newer change arrives, then the first is redelivered: the redelivery must not roll the figure back.
        await fixture.Client.DeliverAsync("product", Stock("STOCK-2", "east", 2, available: 4));
        var second = await fixture.Client.DeliverAsync("product", envelope);

        Assert.Equal((InboxOutcome.Processed, InboxOutcome.Duplicate), (first, second));
        Assert.Equal(4, (await api.GetProductAsync(product.Id)).AvailableQuantity);
        Assert.Equal(1, await fixture.Sql.CountAsync("product.inbox_events", $"event_id = '{envelope.Id}'"));
    }

    [Fact]
    public async Task StockLevelChanged_OlderAfterNewer_IsIgnored()
    {
        var product = await CreateAsync("STOCK-3");

        await fixture.Client.DeliverAsync("product", Stock("STOCK-3", "east", 5, available: 3));
        var outcome = await fixture.Client.DeliverAsync("product", Stock("STOCK-3", "east", 4, available: 20));

        Assert.Equal(InboxOutcome.Stale, outcome);
        Assert.Equal(3, (await api.GetProductAsync(product.Id)).AvailableQuantity);
    }

    private Task<ProductResponse> CreateAsync(string sku) =>
        api.CreateProductAsync(new CreateProductRequest(sku, $"Product {sku}", "Stock", 10m, "USD"));

    private static EventEnvelope Stock(string sku, string warehouse, int version, int available) =>
        TestSupport.Envelope("Inventory", $"{sku}@{warehouse}", version,
            new StockLevelChanged(sku, warehouse, OnHand: available + 1, Reserved: 1, Available: available, SkuAvailable: available));
}
