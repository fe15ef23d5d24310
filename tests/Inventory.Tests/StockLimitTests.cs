using System.Net;
using System.Net.Http.Json;
using Commerce.Inventory.Contracts;
using Commerce.ServiceDefaults;

namespace Commerce.Inventory.Tests;

/// <summary>
/// On hand is bounded (a billion per SKU and warehouse) and figures across warehouses are summed as long, so no
/// receipt, adjustment or total can overflow into a 500. The rows start near the bound through SQL: what a thousand
/// receipts of the largest quantity would leave, without making them.
/// </summary>
public sealed class StockLimitTests(InventoryHost host) : IClassFixture<InventoryHost>
{
    private const int MaxOnHand = 1_000_000_000;

    [Fact]
    public async Task Receive_PastTheMaximumOnHand_IsRefusedWith422AndChangesNothing()
    {
        var sku = await StockedAsync(("WH-1", MaxOnHand - 10));

        var response = await host.Client.PostAsJsonAsync($"/inventory/stock/{sku}/receipts", new ReceiveStockRequest("WH-1", 1_000_000),
            CommerceJson.Options);

        await AssertRefusedAsync(response, sku, MaxOnHand - 10);
    }

    [Fact]
    public async Task Adjust_PastTheMaximumOnHand_IsRefusedWith422AndChangesNothing()
    {
        var sku = await StockedAsync(("WH-1", MaxOnHand - 10));

        var response = await host.Client.PostAsJsonAsync($"/inventory/stock/{sku}/adjustments", new AdjustStockRequest("WH-1", 1_000_000, "Count"),
            CommerceJson.Options);

        await AssertRefusedAsync(response, sku, MaxOnHand - 10);
    }

    [Fact]
    public async Task StockLevel_ManyWarehousesNearTheMaximum_SumsBeyondIntWithoutOverflow()
    {
        var sku = await StockedAsync(("WH-1", 900_000_000), ("WH-2", 900_000_000), ("WH-3", 900_000_000));

        // A receipt writes StockLevelChanged with the SKU-wide figure: summed past int.MaxValue.
        var receipt = await host.Client.PostAsJsonAsync($"/inventory/stock/{sku}/receipts", new ReceiveStockRequest("WH-1", 5), CommerceJson.Options);
        var stock = await host.StockAsync(sku);

        Assert.Equal(HttpStatusCode.OK, receipt.StatusCode);
        Assert.Equal((2_700_000_005L, 0L, 2_700_000_005L), (stock.OnHand, stock.Reserved, stock.Available));
        Assert.Equal(2_700_000_005L, await host.Sql.ScalarAsync<long>(
            "SELECT (payload->>'skuAvailable')::bigint FROM inventory.outbox_messages WHERE aggregate_id = $1 ORDER BY aggregate_version DESC LIMIT 1",
            $"{sku}@WH-1"));
    }

    /// <summary>A new SKU whose rows hold these quantities (received through the API, then set).</summary>
    private async Task<string> StockedAsync(params (string Warehouse, int OnHand)[] rows)
    {
        var sku = InventoryHost.NewSku();
        foreach (var (warehouse, onHand) in rows)
        {
            await host.ReceiveAsync(sku, warehouse, 1);
            await host.Sql.RowsAsync("UPDATE inventory.stock_items SET on_hand = $1 WHERE sku = $2 AND warehouse = $3 RETURNING 1", onHand, sku, warehouse);
        }

        return sku;
    }

    private async Task AssertRefusedAsync(HttpResponseMessage response, string sku, long onHand)
    {
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(onHand, (await host.StockAsync(sku)).OnHand);
        Assert.Equal(1, await host.Sql.CountAsync("inventory.stock_movements", "sku = $1", sku));
        Assert.Equal(1, await host.Sql.CountAsync("inventory.outbox_messages", "aggregate_id = $1", $"{sku}@WH-1"));
    }
}
