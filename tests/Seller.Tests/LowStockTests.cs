using System.Net;
using System.Net.Http.Json;
using Commerce.Inventory.Contracts;
using Commerce.Product.Contracts;
using Commerce.Seller.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;

namespace Commerce.Seller.Tests;

/// <summary>
/// Inventory's low-stock alerts for a seller's products, delivered as Inventory's and Product's dispatchers deliver
/// them: one row and one SellerStockLow per low spell, however alerts are repeated or reordered.
/// </summary>
public sealed class LowStockTests(SellerFixture fixture) : IClassFixture<SellerFixture>
{
    private const string Warehouse = "WH-EAST";

    [Fact]
    public async Task Alert_ForASellersProduct_OneRowAndOneNotice_RepeatsAndReorderingsAddNothing()
    {
        var seller = await fixture.NewSellerAsync();
        var (productId, sku) = await CatalogAsync(seller.Id, "Difference engine");

        Assert.Equal(InboxOutcome.Processed, await AlertAsync(sku, version: 5, available: 2, reorderPoint: 3));
        var alert = TestSupport.Envelope("Inventory", $"{sku}@{Warehouse}/low-stock", 6, new LowStockAlert(sku, Warehouse, 1, 3));
        Assert.Equal(InboxOutcome.Processed, await fixture.Client.DeliverAsync("seller", alert));
        Assert.Equal(InboxOutcome.Duplicate, await fixture.Client.DeliverAsync("seller", alert));
        // The same change delivered again under a new event id, and an older change arriving late.
        await AlertAsync(sku, version: 6, available: 1, reorderPoint: 3);
        await AlertAsync(sku, version: 4, available: 3, reorderPoint: 3);

        var items = await LowStockAsync(seller.Id);
        var item = Assert.Single(items);
        Assert.Equal((productId, sku, "Difference engine", Warehouse, 1, 3), (item.ProductId, item.Sku, item.ProductName, item.Warehouse, item.Available, item.ReorderPoint));
        var notice = Assert.Single(await fixture.Sql.EventsAsync("seller", seller.Id), e => e.Type == nameof(SellerStockLow));
        Assert.Equal(2, notice.Version);
        Assert.Equal(sku, notice.Payload.GetProperty("sku").GetString());
        Assert.Equal(2, notice.Payload.GetProperty("available").GetInt32());
        Assert.Equal("Difference engine", notice.Payload.GetProperty("productName").GetString());
    }

    [Fact]
    public async Task LevelAboveReorderPoint_ClearsTheRow_AndTheNextDropNotifiesAgain()
    {
        var seller = await fixture.NewSellerAsync();
        var (_, sku) = await CatalogAsync(seller.Id, "Jacquard loom");
        await AlertAsync(sku, version: 3, available: 1, reorderPoint: 2);

        // Still at the reorder point: stays low.
        await LevelAsync(sku, version: 4, available: 2);
        Assert.Equal(2, Assert.Single(await LowStockAsync(seller.Id)).Available);
        await LevelAsync(sku, version: 5, available: 10);
        Assert.Empty(await LowStockAsync(seller.Id));
        // The alert of the first drop, arriving after the recovery, opens nothing.
        await AlertAsync(sku, version: 3, available: 1, reorderPoint: 2);
        Assert.Empty(await LowStockAsync(seller.Id));
        await AlertAsync(sku, version: 7, available: 0, reorderPoint: 2);

        Assert.Equal(0, Assert.Single(await LowStockAsync(seller.Id)).Available);
        // Each notice takes the seller's next version, so the seller's stream never has two events at one version.
        Assert.Equal(new[] { (nameof(SellerRegistered), 1), (nameof(SellerStockLow), 2), (nameof(SellerStockLow), 3) },
            (await fixture.Sql.EventsAsync("seller", seller.Id)).Select(e => (e.Type, e.Version)));
        Assert.Equal(3, (await fixture.Client.GetFromJsonAsync<SellerResponse>($"/sellers/{seller.Id}", CommerceJson.Options))!.Version);
    }

    [Fact]
    public async Task Alert_ForTheShopsOwnOrADiscontinuedProduct_NotifiesNobody()
    {
        var seller = await fixture.NewSellerAsync();
        var (_, own) = await CatalogAsync(null, "House brand");
        var (discontinued, sku) = await CatalogAsync(seller.Id, "Old engine");
        await fixture.Client.DeliverAsync("seller", TestSupport.Envelope("Product", discontinued.ToString(), 2,
            new ProductDiscontinued(discontinued, sku, new ProductState(sku, "Old engine", "machines", 10m, "USD", ProductStatus.Discontinued, seller.Id))));

        await AlertAsync(own, version: 2, available: 0, reorderPoint: 1);
        await AlertAsync(sku, version: 2, available: 0, reorderPoint: 1);

        Assert.Equal(0, await fixture.Sql.CountAsync("seller.low_stock", "sku = $1 OR sku = $2", own, sku));
        Assert.DoesNotContain(await fixture.Sql.EventsAsync("seller", seller.Id), e => e.Type == nameof(SellerStockLow));
    }

    [Fact]
    public async Task ProductCopy_TakesTheNewestVersionWhateverTheOrder()
    {
        var seller = await fixture.NewSellerAsync();
        var (productId, sku) = await CatalogAsync(seller.Id, "Orrery");
        var renamed = new ProductState(sku, "Grand orrery", "machines", 10m, "USD", ProductStatus.Active, seller.Id);
        await fixture.Client.DeliverAsync("seller", TestSupport.Envelope("Product", productId.ToString(), 3,
            new ProductUpdated(productId, sku, "Grand orrery", "", "machines", renamed)));
        await fixture.Client.DeliverAsync("seller", TestSupport.Envelope("Product", productId.ToString(), 2,
            new ProductUpdated(productId, sku, "Orrery", "", "machines", renamed with { Name = "Orrery" })));

        await AlertAsync(sku, version: 1, available: 0, reorderPoint: 1);

        Assert.Equal("Grand orrery", Assert.Single(await LowStockAsync(seller.Id)).ProductName);
    }

    [Fact]
    public async Task LowStock_UnknownSeller_Answers404()
    {
        using var response = await fixture.Client.GetAsync($"/sellers/{Guid.NewGuid()}/low-stock");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<(Guid ProductId, string Sku)> CatalogAsync(Guid? sellerId, string name)
    {
        var (productId, sku) = (Guid.NewGuid(), $"SKU-{Guid.NewGuid():N}"[..20]);
        await fixture.Client.DeliverAsync("seller", TestSupport.Envelope("Product", productId.ToString(), 1,
            new ProductCreated(productId, sku, name, "machines", 10m, "USD", sellerId)));
        return (productId, sku);
    }

    private Task<InboxOutcome> AlertAsync(string sku, int version, int available, int reorderPoint) =>
        fixture.Client.DeliverAsync("seller",
            TestSupport.Envelope("Inventory", $"{sku}@{Warehouse}/low-stock", version, new LowStockAlert(sku, Warehouse, available, reorderPoint)));

    private Task<InboxOutcome> LevelAsync(string sku, int version, int available) =>
        fixture.Client.DeliverAsync("seller",
            TestSupport.Envelope("Inventory", $"{sku}@{Warehouse}", version, new StockLevelChanged(sku, Warehouse, available, 0, available, available)));

    private async Task<List<LowStockItem>> LowStockAsync(Guid sellerId) =>
        (await fixture.Client.GetFromJsonAsync<List<LowStockItem>>($"/sellers/{sellerId}/low-stock", CommerceJson.Options))!;
}
