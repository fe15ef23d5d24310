using Commerce.Product.Contracts;

namespace Commerce.Inventory.Products;

/// <summary>
/// Inventory's copy of a product's name and status (from Product's events, whole state each time): shown with the
/// product's stock, and a discontinued product raises no more low-stock alerts (nobody will reorder it).
/// </summary>
public sealed class ProductCopy : ICachedCopy
{
    public required Guid ProductId { get; init; }

    public required string Sku { get; set; }

    public required string Name { get; set; }

    public required bool Discontinued { get; set; }

    public required int SourceVersion { get; set; }
}

/// <summary>Keeps <see cref="ProductCopy"/> at Product's latest state, whatever order its events arrive in.</summary>
internal static class ProductCopies
{
    public static CommerceContextBuilder<InventoryDbContext> HandleProductEvents(this CommerceContextBuilder<InventoryDbContext> context) => context
        .HandleEvent<ProductCreated>("Product", (e, db, ct) => ApplyAsync(db, e.Event.ProductId, e.Event.Sku, e.Event.Name, false, e.AggregateVersion, ct))
        .HandleEvent<ProductUpdated>("Product", (e, db, ct) => ApplyAsync(e, e.Event.ProductId, e.Event.State, db, ct))
        .HandleEvent<ProductDiscontinued>("Product", (e, db, ct) => ApplyAsync(e, e.Event.ProductId, e.Event.State, db, ct))
        .KeepCachedCopies<ProductCopy>("its discontinued flag silences low-stock alerts for stock Inventory still holds");

    /// <summary>The newest copy of the product sold under <paramref name="sku"/>, if Inventory has heard of it.</summary>
    public static Task<ProductCopy?> ProductOfAsync(this InventoryDbContext db, string sku, CancellationToken cancellationToken) =>
        db.Products.AsNoTracking().Where(p => p.Sku == sku).OrderByDescending(p => p.SourceVersion).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// An event written before product events carried the product's whole state holds only what changed: the
    /// product's current state (at a version at least as new) comes from Product's API instead.
    /// </summary>
    private static async Task ApplyAsync<TEvent>(
        IncomingEvent<TEvent> incoming, Guid productId, ProductState? state, InventoryDbContext db, CancellationToken ct)
    {
        if (state is not null)
        {
            await ApplyAsync(db, productId, state.Sku, state.Name, state.Status == ProductStatus.Discontinued, incoming.AggregateVersion, ct);
            return;
        }

        var current = await incoming.Services.GetRequiredKeyedService<IProductApi>(InventoryContext.Name).GetProductAsync(productId, ct);
        await ApplyAsync(db, productId, current.Sku, current.Name, current.Status == ProductStatus.Discontinued, current.Version, ct);
    }

    private static Task<bool> ApplyAsync(InventoryDbContext db, Guid id, string sku, string name, bool discontinued, int version, CancellationToken ct) =>
        db.ApplyAsync<ProductCopy>(
            p => p.ProductId == id,
            version,
            () => new ProductCopy { ProductId = id, Sku = sku, Name = name, Discontinued = discontinued, SourceVersion = version },
            s => s.SetProperty(p => p.Sku, sku).SetProperty(p => p.Name, name).SetProperty(p => p.Discontinued, discontinued),
            ct);
}
