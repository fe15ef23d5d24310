using Commerce.Inventory.Contracts;
using Commerce.Product.Catalog;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults.Demo;

namespace Commerce.Product;

public static class ProductContext
{
    public const string Name = "Product";

    public static IHostApplicationBuilder AddProductContext(this IHostApplicationBuilder builder)
    {
        builder.AddCommerceContext<ProductDbContext>(Name)
            .HandleEvent<StockLevelChanged>("Inventory", ApplyStockLevelAsync)
            .SeedDemoData(ProductDemoData.SeedAsync);
        return builder;
    }

    public static IEndpointRouteBuilder MapProductContext(this IEndpointRouteBuilder endpoints) => endpoints.MapProducts();

    /// <summary>
    /// Caches one warehouse's available quantity. The inbox has already dropped duplicates and versions not newer
    /// than the last applied for this stock item; the version check here keeps the row right on its own too.
    /// </summary>
    internal static async Task ApplyStockLevelAsync(
        IncomingEvent<StockLevelChanged> incoming, ProductDbContext db, CancellationToken cancellationToken)
    {
        var e = incoming.Event;
        var now = incoming.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var level = await db.StockLevels.FirstOrDefaultAsync(s => s.Sku == e.Sku && s.Warehouse == e.Warehouse, cancellationToken);
        if (level is null)
        {
            db.StockLevels.Add(new StockLevel
            {
                Sku = e.Sku,
                Warehouse = e.Warehouse,
                Available = e.Available,
                SourceVersion = incoming.AggregateVersion,
                UpdatedAt = now,
            });
        }
        else if (incoming.AggregateVersion > level.SourceVersion)
        {
            level.Available = e.Available;
            level.SourceVersion = incoming.AggregateVersion;
            level.UpdatedAt = now;
        }
    }
}

/// <summary>
/// Loads the shared demo catalog (<see cref="DemoCatalog"/>: fixed ids and SKUs that Inventory stocks) for
/// <c>seed-demo</c>; matched by SKU, so running it twice changes nothing.
/// </summary>
public static class ProductDemoData
{
    public static async Task SeedAsync(ProductDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var existing = await db.Products.Select(p => p.Sku).ToListAsync(cancellationToken);
        foreach (var demo in DemoCatalog.Products.Where(p => !existing.Contains(p.Sku)))
        {
            var product = new CatalogProduct
            {
                Id = demo.Id,
                Sku = demo.Sku,
                Name = demo.Name,
                Description = $"{demo.Name} (demo catalog).",
                Category = demo.Category,
                Price = demo.Price,
                Currency = demo.Currency,
                Attributes = [new SpecificationAttribute { Name = "Warranty", Value = "2 years" }],
                ImageUrls = [$"https://images.example.com/{demo.Sku.ToLowerInvariant()}.jpg"],
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Products.Add(product);
            db.AddEvent(
                new ProductCreated(product.Id, product.Sku, product.Name, product.Category, product.Price, product.Currency),
                product.Id,
                product.Version,
                now);
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
