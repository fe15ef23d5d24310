using Commerce.Inventory.Contracts;
using Commerce.Inventory.Products;

namespace Commerce.Inventory.Stock;

/// <summary>A stock item's figures as returned by the atomic UPDATE ... RETURNING statements.</summary>
internal sealed record StockRow(string Sku, string Warehouse, int OnHand, int Reserved, int ReorderPoint, int Version)
{
    public int Available => OnHand - Reserved;

    public StockItemResponse ToResponse() => new(Sku, Warehouse, OnHand, Reserved, Available, ReorderPoint, Version);
}

/// <summary>The stock rows one transaction changed; writes their StockLevelChanged and LowStockAlert events.</summary>
internal sealed class StockChanges(InventoryDbContext db, DateTimeOffset now)
{
    private readonly List<(StockRow Row, int PreviousAvailable, int PreviousReorderPoint)> changes = [];

    public void Add(StockRow row, int previousAvailable, int? previousReorderPoint = null) =>
        changes.Add((row, previousAvailable, previousReorderPoint ?? row.ReorderPoint));

    public async Task AddEventsAsync(CancellationToken cancellationToken)
    {
        foreach (var (row, previousAvailable, previousReorderPoint) in changes)
        {
            var skuAvailable = await db.StockItems.Where(s => s.Sku == row.Sku).SumAsync(s => (long)s.OnHand - s.Reserved, cancellationToken);
            var aggregateId = $"{row.Sku}@{row.Warehouse}";
            db.AddEvent(new StockLevelChanged(row.Sku, row.Warehouse, row.OnHand, row.Reserved, row.Available, skuAvailable),
                aggregateId, row.Version, now);

            // Alert on the crossing only, not on every change while below the point.
            var wasAbove = previousAvailable > previousReorderPoint;
            // A discontinued product is not reordered, so its falling stock alerts nobody.
            if (row.ReorderPoint > 0 && wasAbove && row.Available <= row.ReorderPoint
                && (await db.ProductOfAsync(row.Sku, cancellationToken))?.Discontinued != true)
            {
                // Its own stream (at the stock item's version, so still increasing): on the stock item's stream it would
                // share this change's version with StockLevelChanged, and a subscriber of both would drop one.
                db.AddEvent(new LowStockAlert(row.Sku, row.Warehouse, row.Available, row.ReorderPoint), $"{aggregateId}/low-stock", row.Version, now);
            }
        }
    }
}
