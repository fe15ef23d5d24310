using Commerce.Inventory.Contracts;

namespace Commerce.Product.Tests;

/// <summary>Product's stock cache ends at Inventory's latest figures whatever order, and however often, Inventory's real events arrive.</summary>
public sealed class StockCacheConvergenceTests(ProductFixture product, OwnersFixture owners)
    : IClassFixture<ProductFixture>, IClassFixture<OwnersFixture>
{
    [Fact]
    public async Task StockEvents_InEveryOrderWithDuplicates_ConvergeToTheLatestFigures()
    {
        var inventory = owners.Api<IInventoryApi>();
        var sku = NewSku();
        await inventory.ReceiveAsync(sku, new ReceiveStockRequest("WH-EAST", 10));
        await inventory.ReceiveAsync(sku, new ReceiveStockRequest("WH-WEST", 4));
        await inventory.SetReorderPointAsync(sku, new SetReorderPointRequest("WH-EAST", 8));
        // 10 -> 7 crosses the reorder point: a StockLevelChanged and a LowStockAlert from one change.
        await inventory.AdjustAsync(sku, new AdjustStockRequest("WH-EAST", -3, "Breakage"));
        var latest = await inventory.GetStockAsync(sku);
        var events = await owners.Sql.OutboxEnvelopesAsync("inventory", "Inventory", sku);
        Assert.Contains(events, e => e.Type == nameof(LowStockAlert));

        var converged = await Convergence.AssertEveryOrderConvergesAsync(product.Client, "product", events, sku, NewSku,
            async copy => (await product.Sql.RowsAsync(
                    "SELECT warehouse, available, source_version FROM product.stock_levels WHERE sku = $1 ORDER BY warehouse", copy))
                .Select(row => string.Join(" ", row))
                .ToList());

        Assert.Equal(latest.Warehouses.Select(w => $"{w.Warehouse} {w.Available} {w.Version}"), (List<string>)converged!);
    }

    private static string NewSku() => $"CONV-{Guid.NewGuid():N}"[..21].ToUpperInvariant();
}
