using Commerce.Product.Contracts;

namespace Commerce.Seller.LowStock;

/// <summary>
/// Which seller sells each SKU, cached from Product's events by product version: every event carries the product's
/// whole state (ProductCreated is it), so the cache ends at Product's latest whatever order events arrive in. Events
/// written before ProductState existed carry none and are skipped: they cannot say who sells the product. A price
/// change leaves SKU, name, seller and status as they were, so Seller does not subscribe to ProductPriceChanged.
/// </summary>
internal static class ProductCopies
{
    public static Task CreatedAsync(IncomingEvent<ProductCreated> incoming, SellerDbContext db, CancellationToken cancellationToken)
    {
        var e = incoming.Event;
        return ApplyAsync(db, e.ProductId, incoming.AggregateVersion,
            new ProductState(e.Sku, e.Name, e.Category, e.Price, e.Currency, ProductStatus.Active, e.SellerId), cancellationToken);
    }

    public static Task UpdatedAsync(IncomingEvent<ProductUpdated> incoming, SellerDbContext db, CancellationToken cancellationToken) =>
        ApplyAsync(db, incoming.Event.ProductId, incoming.AggregateVersion, incoming.Event.State, cancellationToken);

    /// <summary>A product no longer sold needs no restocking: its open low-stock rows close, and no alert opens one again.</summary>
    public static async Task DiscontinuedAsync(IncomingEvent<ProductDiscontinued> incoming, SellerDbContext db, CancellationToken cancellationToken)
    {
        await ApplyAsync(db, incoming.Event.ProductId, incoming.AggregateVersion, incoming.Event.State, cancellationToken);
        await db.LowStock.Where(l => l.ProductId == incoming.Event.ProductId && l.IsLow)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.IsLow, false), cancellationToken);
    }

    private static async Task ApplyAsync(SellerDbContext db, Guid productId, int version, ProductState? state, CancellationToken cancellationToken)
    {
        if (state is null)
        {
            return;
        }

        var (sku, name, sellerId, status) = (state.Sku, state.Name, state.SellerId, state.Status);
        await db.ApplyAsync<ProductCopy>(
            p => p.ProductId == productId,
            version,
            () => new ProductCopy { ProductId = productId, Sku = sku, Name = name, SellerId = sellerId, Status = status, SourceVersion = version },
            s => s.SetProperty(p => p.Sku, sku).SetProperty(p => p.Name, name).SetProperty(p => p.SellerId, sellerId).SetProperty(p => p.Status, status),
            cancellationToken);
    }
}
