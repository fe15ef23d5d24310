using System.Net.Http.Json;
using Commerce.Host.Testing;
using Commerce.Inventory.Contracts;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Commerce.Testing;

namespace Commerce.Inventory.Tests;

/// <summary>Inventory with Product beside it: Product's events reach Inventory's product copy over the outbox.</summary>
public sealed class ProductFlowFixture : ContextFixture
{
    protected override string Contexts => "Inventory,Product";
}

public sealed class ProductFlowTests(ProductFlowFixture fixture) : IClassFixture<ProductFlowFixture>
{
    [Fact]
    public async Task ProductCreatedUpdatedDiscontinued_ShownWithStock_AndADiscontinuedProductRaisesNoLowStockAlert()
    {
        var kept = await NewProductWithStockAsync("Kept lamp");
        var gone = await NewProductWithStockAsync("Old lamp");

        // ProductCreated → Inventory.
        var created = await StockWhenAsync(kept.Sku, s => s.ProductName is not null);
        Assert.Equal(("Kept lamp", false), (created.ProductName, created.Discontinued));

        // ProductUpdated → Inventory.
        (await fixture.Client.PutAsJsonAsync($"/products/{kept.Id}", new UpdateProductRequest("Kept desk lamp", "Home", "Warm"), CommerceJson.Options))
            .EnsureSuccessStatusCode();
        Assert.Equal("Kept desk lamp", (await StockWhenAsync(kept.Sku, s => s.ProductName == "Kept desk lamp")).ProductName);

        // ProductDiscontinued → Inventory.
        (await fixture.Client.PostAsync($"/products/{gone.Id}/discontinue", null)).EnsureSuccessStatusCode();
        var discontinued = await StockWhenAsync(gone.Sku, s => s.Discontinued);
        Assert.Equal("Old lamp", discontinued.ProductName);

        // Both fall to their reorder point: only the product still sold alerts.
        foreach (var sku in new[] { kept.Sku, gone.Sku })
        {
            (await fixture.Client.PutAsJsonAsync($"/inventory/stock/{sku}/reorder-point", new SetReorderPointRequest("WH-EAST", 5), CommerceJson.Options))
                .EnsureSuccessStatusCode();
            (await fixture.Client.PostAsJsonAsync($"/inventory/stock/{sku}/adjustments", new AdjustStockRequest("WH-EAST", -8, "Counted"), CommerceJson.Options))
                .EnsureSuccessStatusCode();
        }

        Assert.Equal(1L, await fixture.Sql.CountAsync("inventory.outbox_messages", $"type = 'LowStockAlert' AND aggregate_id = '{kept.Sku}@WH-EAST/low-stock'"));
        Assert.Equal(0L, await fixture.Sql.CountAsync("inventory.outbox_messages", $"type = 'LowStockAlert' AND aggregate_id LIKE '{gone.Sku}@%'"));
    }

    [Fact]
    public async Task ProductEvents_InEveryOrderWithDuplicates_ConvergeToTheNewestState()
    {
        var id = Guid.NewGuid();
        var sku = $"CONV-{Guid.NewGuid():N}"[..16];
        ProductState State(string name, ProductStatus status) => new(sku, name, "Home", 10m, "USD", status);
        var events = new List<EventEnvelope>
        {
            TestSupport.Envelope("Product", id.ToString(), 1, new ProductCreated(id, sku, "Lamp", "Home", 10m, "USD")),
            TestSupport.Envelope("Product", id.ToString(), 2, new ProductUpdated(id, sku, "Desk lamp", "", "Home", State("Desk lamp", ProductStatus.Active))),
            TestSupport.Envelope("Product", id.ToString(), 4, new ProductDiscontinued(id, sku, State("Desk lamp", ProductStatus.Discontinued))),
        };

        var converged = await Convergence.AssertEveryOrderConvergesAsync(fixture.Client, "inventory", events, id.ToString(),
            () => Guid.NewGuid().ToString(),
            async copy => string.Join(" ", (await fixture.Sql.RowsAsync(
                "SELECT name, discontinued, source_version FROM inventory.products WHERE product_id = $1", Guid.Parse(copy))).SingleOrDefault() ?? []));

        Assert.Equal("Desk lamp True 4", converged);
    }

    private async Task<ProductResponse> NewProductWithStockAsync(string name)
    {
        var sku = $"INV-{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        var response = await fixture.Client.PostAsJsonAsync("/products", new CreateProductRequest(sku, name, "Home", 20m, "USD", "Light"), CommerceJson.Options);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        (await fixture.Client.PostAsJsonAsync($"/inventory/stock/{sku}/receipts", new ReceiveStockRequest("WH-EAST", 10), CommerceJson.Options))
            .EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ProductResponse>(CommerceJson.Options))!;
    }

    private async Task<StockLevelResponse> StockWhenAsync(string sku, Func<StockLevelResponse, bool> condition) =>
        (await Poll.UntilAsync(() => fixture.Client.GetFromJsonAsync<StockLevelResponse>($"/inventory/stock/{sku}", CommerceJson.Options), s => condition(s!)))!;
}
