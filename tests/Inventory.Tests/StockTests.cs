using System.Net;
using System.Net.Http.Json;
using System.Text;
using Commerce.Inventory.Contracts;
using Commerce.ServiceDefaults;

namespace Commerce.Inventory.Tests;

public sealed class StockTests(InventoryHost host) : IClassFixture<InventoryHost>
{
    [Fact]
    public async Task Receive_IntoTwoWarehouses_ShowsTotalsAndMovements()
    {
        var sku = InventoryHost.NewSku();
        await host.ReceiveAsync(sku, "WH-EAST", 7);
        await host.ReceiveAsync(sku, "WH-WEST", 3);
        await host.ReceiveAsync(sku, "WH-EAST", 2);

        var stock = await host.StockAsync(sku);
        Assert.Equal((12, 0, 12), (stock.OnHand, stock.Reserved, stock.Available));
        Assert.Equal(["WH-EAST", "WH-WEST"], stock.Warehouses.Select(w => w.Warehouse));
        Assert.Equal(9, stock.Warehouses[0].OnHand);

        var movements = await host.Client.GetFromJsonAsync<List<StockMovementResponse>>($"/inventory/stock/{sku}/movements", CommerceJson.Options);
        Assert.Equal([7, 3, 2], movements!.Select(m => m.Quantity));
        Assert.All(movements!, m => Assert.Equal(MovementKind.Receipt, m.Kind));
        Assert.Equal([nameof(StockLevelChanged), nameof(StockLevelChanged)], await host.Sql.EventTypesAsync("inventory", $"{sku}@WH-EAST"));
    }

    [Fact]
    public async Task Adjust_BelowReserved_IsRejectedAndChangesNothing()
    {
        var sku = InventoryHost.NewSku();
        await host.ReceiveAsync(sku, "WH-EAST", 5);
        (await host.ReserveAsync($"order-{Guid.NewGuid()}", (sku, 4))).EnsureSuccessStatusCode();

        var response = await host.Client.PostAsJsonAsync($"/inventory/stock/{sku}/adjustments",
            new AdjustStockRequest("WH-EAST", -2, "Damaged"), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var stock = await host.StockAsync(sku);
        Assert.Equal((5, 4), (stock.OnHand, stock.Reserved));
        Assert.Equal(1, await host.Sql.CountAsync("inventory.stock_movements", "sku = $1", sku));
    }

    [Fact]
    public async Task Adjust_WithStaleIfMatch_Conflicts()
    {
        var sku = InventoryHost.NewSku();
        await host.ReceiveAsync(sku, "WH-EAST", 5);
        await host.ReceiveAsync(sku, "WH-EAST", 5);

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/inventory/stock/{sku}/adjustments")
        {
            Content = JsonContent.Create(new AdjustStockRequest("WH-EAST", -1, "Count"), options: CommerceJson.Options),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(10, (await host.StockAsync(sku)).OnHand);
    }

    [Fact]
    public async Task Adjust_AcrossTheReorderPoint_EveryEventStreamKeepsOneEventPerVersion()
    {
        var sku = InventoryHost.NewSku();
        await host.ReceiveAsync(sku, "WH-EAST", 10);
        (await host.Client.PutAsJsonAsync($"/inventory/stock/{sku}/reorder-point", new SetReorderPointRequest("WH-EAST", 8),
            CommerceJson.Options)).EnsureSuccessStatusCode();

        (await host.Client.PostAsJsonAsync($"/inventory/stock/{sku}/adjustments", new AdjustStockRequest("WH-EAST", -3, "Breakage"),
            CommerceJson.Options)).EnsureSuccessStatusCode();

        // Subscribers drop an event whose version they have seen for its stream: a StockLevelChanged and a LowStockAlert
        // sharing one would cost a subscriber of both one of them.
        var shared = await host.Sql.RowsAsync(
            "SELECT aggregate_id, aggregate_version FROM inventory.outbox_messages WHERE starts_with(aggregate_id, $1) GROUP BY 1, 2 HAVING count(*) > 1",
            sku);
        Assert.Empty(shared);
        Assert.Contains(nameof(LowStockAlert), await host.Sql.EventTypesAsync("inventory", $"{sku}@WH-EAST/low-stock"));
    }

    [Fact]
    public async Task Adjust_Negative_RecordsMovementAndRaisesLowStockAlertOnCrossing()
    {
        var sku = InventoryHost.NewSku();
        await host.ReceiveAsync(sku, "WH-EAST", 10);
        (await host.Client.PutAsJsonAsync($"/inventory/stock/{sku}/reorder-point", new SetReorderPointRequest("WH-EAST", 4),
            CommerceJson.Options)).EnsureSuccessStatusCode();

        foreach (var delta in new[] { -5, -2, -1 })
        {
            (await host.Client.PostAsJsonAsync($"/inventory/stock/{sku}/adjustments", new AdjustStockRequest("WH-EAST", delta, "Shrinkage"),
                CommerceJson.Options)).EnsureSuccessStatusCode();
        }

        // 10 → 5 (above 4), → 3 (crosses: alert), → 2 (already below: no second alert).
        var types = await host.Sql.EventTypesAsync("inventory", $"{sku}@WH-EAST/low-stock");
        Assert.Equal([nameof(LowStockAlert)], types);
        Assert.Equal(2, (await host.StockAsync(sku)).OnHand);
        Assert.Equal(3, await host.Sql.CountAsync("inventory.stock_movements", "sku = $1 AND kind = 'Adjustment'", sku));
    }

    [Fact]
    public async Task GetStock_UnknownSku_IsNotFoundProblem()
    {
        var response = await host.Client.GetAsync($"/inventory/stock/{InventoryHost.NewSku()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("""{"warehouse":"WH-EAST","quantity":0}""", "quantity")]
    [InlineData("""{"warehouse":"WH-EAST","quantity":-3}""", "quantity")]
    [InlineData("""{"warehouse":"","quantity":3}""", "warehouse")]
    [InlineData("""{"warehouse":"WH EAST!","quantity":3}""", "warehouse")]
    [InlineData("""{"quantity":3}""", "warehouse")]
    [InlineData("""{"warehouse":"WH-EAST","quantity":"three"}""", "quantity")]
    [InlineData("""{"warehouse":"WH-EAST","quantity":3""", "quantity")]
    public async Task Receive_BadInput_IsValidationProblemAndWritesNothing(string body, string field)
    {
        var sku = InventoryHost.NewSku();
        var response = await host.Client.PostAsync($"/inventory/stock/{sku}/receipts", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblem>(CommerceJson.Options);
        Assert.Contains(problem!.Errors.Keys, k => k.StartsWith(field, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, await host.Sql.CountAsync("inventory.stock_items", "sku = $1", sku));
        Assert.Equal(0, await host.Sql.CountAsync("inventory.stock_movements", "sku = $1", sku));
    }

    internal sealed record ValidationProblem(int Status, Dictionary<string, string[]> Errors);
}
