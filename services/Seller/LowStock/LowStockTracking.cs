using Commerce.Inventory.Contracts;
using Commerce.Product.Contracts;
using Commerce.Seller.Contracts;

namespace Commerce.Seller.LowStock;

/// <summary>
/// A seller's low-stock list and its notices, from Inventory's events. A row per SKU and warehouse opens a low spell on
/// the first alert (one SellerStockLow), is refreshed by later alerts and level changes while low (no notice: already
/// low), and closes when a level change shows Available above the row's reorder point. Both events carry the stock
/// item's version (an alert and the level change of one stock change share it), and the row keeps the newest it
/// applied, so a repeated or late alert of an older change is ignored rather than opening a second spell.
/// </summary>
internal static class LowStockTracking
{
    public static async Task AlertAsync(IncomingEvent<LowStockAlert> incoming, SellerDbContext db, CancellationToken cancellationToken)
    {
        var e = incoming.Event;
        var version = incoming.AggregateVersion;
        var product = await db.Products.AsNoTracking().Where(p => p.Sku == e.Sku).OrderByDescending(p => p.SourceVersion)
            .FirstOrDefaultAsync(cancellationToken);
        if (product is not { SellerId: { } sellerId } || product.Status == ProductStatus.Discontinued)
        {
            // The shop's own product (or one not sold any more): no seller to tell.
            return;
        }

        var row = await db.LowStock.FirstOrDefaultAsync(l => l.Sku == e.Sku && l.Warehouse == e.Warehouse, cancellationToken);
        if (row is not null && version <= row.StockVersion)
        {
            return; // a repeat, or an older change than the row already reflects
        }

        var opensSpell = row is not { IsLow: true };
        if (row is null)
        {
            row = new LowStockRow
            {
                Sku = e.Sku,
                Warehouse = e.Warehouse,
                SellerId = sellerId,
                ProductId = product.ProductId,
                ProductName = product.Name,
                Available = e.Available,
                ReorderPoint = e.ReorderPoint,
                IsLow = true,
                ReportedAt = incoming.OccurredAt,
                StockVersion = version,
            };
            db.LowStock.Add(row);
        }
        else
        {
            (row.SellerId, row.ProductId, row.ProductName) = (sellerId, product.ProductId, product.Name);
            (row.Available, row.ReorderPoint, row.IsLow, row.ReportedAt, row.StockVersion) = (e.Available, e.ReorderPoint, true, incoming.OccurredAt, version);
        }

        if (!opensSpell)
        {
            return;
        }

        // On the seller's stream at the seller's next version (the contract's "version = the seller's version"): one
        // stream never carries two events at one version, so no subscriber's ordering of the seller's events can drop
        // one. The price is an ETag that moves with a notice; a profile edit racing this save fails one of the two
        // (409 to the editor, or this delivery, which Inventory retries).
        var seller = await db.Sellers.FirstOrDefaultAsync(s => s.Id == sellerId, cancellationToken);
        if (seller is null)
        {
            incoming.Services.GetRequiredService<ILogger<SellerDbContext>>().LogWarning(
                "Product {ProductId} names seller {SellerId}, which Seller does not know: low stock of {Sku} recorded, nobody notified",
                product.ProductId, sellerId, e.Sku);
            return;
        }

        seller.Version++;
        db.AddEvent(new SellerStockLow(sellerId, product.ProductId, e.Sku, product.Name, e.Warehouse, e.Available, e.ReorderPoint),
            sellerId, seller.Version, incoming.OccurredAt);
    }

    public static async Task LevelChangedAsync(IncomingEvent<StockLevelChanged> incoming, SellerDbContext db, CancellationToken cancellationToken)
    {
        var e = incoming.Event;
        var row = await db.LowStock.FirstOrDefaultAsync(l => l.Sku == e.Sku && l.Warehouse == e.Warehouse, cancellationToken);
        // Only a low row follows the level: a recovered one keeps the version that closed it, so the alert of a later
        // drop (whatever order it arrives in relative to level changes) opens the next spell.
        if (row is not { IsLow: true } || incoming.AggregateVersion <= row.StockVersion)
        {
            return;
        }

        (row.Available, row.StockVersion) = (e.Available, incoming.AggregateVersion);
        row.IsLow = e.Available <= row.ReorderPoint;
    }
}
