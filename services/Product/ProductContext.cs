using Commerce.Inventory.Contracts;
using Commerce.Product.Catalog;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults.Demo;
using Refit;

namespace Commerce.Product;

public static class ProductContext
{
    public const string Name = "Product";

    public static IHostApplicationBuilder AddProductContext(this IHostApplicationBuilder builder)
    {
        builder.AddCommerceContext<ProductDbContext>(Name)
            .HandleEvent<StockLevelChanged>("Inventory", ApplyStockLevelAsync)
            .RebuildCache("stock-levels", RebuildStockLevelsAsync)
            .SeedDemoData(ProductDemoData.SeedAsync);
        builder.AddContextClient<IInventoryApi>("Inventory", Name);
        return builder;
    }

    public static IEndpointRouteBuilder MapProductContext(this IEndpointRouteBuilder endpoints) => endpoints.MapProducts();

    /// <summary>Caches one warehouse's available quantity (each StockLevelChanged carries the stock item's whole figures).</summary>
    internal static async Task ApplyStockLevelAsync(
        IncomingEvent<StockLevelChanged> incoming, ProductDbContext db, CancellationToken cancellationToken)
    {
        var e = incoming.Event;
        var now = incoming.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await ApplyStockLevelAsync(db, e.Sku, e.Warehouse, e.Available, incoming.AggregateVersion, now, cancellationToken);
    }

    private static Task<bool> ApplyStockLevelAsync(
        ProductDbContext db, string sku, string warehouse, int available, int version, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.ApplyAsync<StockLevel>(
            s => s.Sku == sku && s.Warehouse == warehouse,
            version,
            () => new StockLevel { Sku = sku, Warehouse = warehouse, Available = available, SourceVersion = version, UpdatedAt = now },
            s => s.SetProperty(l => l.Available, available).SetProperty(l => l.UpdatedAt, now),
            cancellationToken);

    /// <summary>Asks Inventory for the figures of every SKU in the catalog, a page of products at a time.</summary>
    private static async Task<(int OwnerCopies, int Refreshed)> RebuildStockLevelsAsync(
        ProductDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        var inventory = services.GetRequiredKeyedService<IInventoryApi>(Name);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var (listed, refreshed) = (0, 0);
        Guid? after = null;
        while (true)
        {
            var products = await db.Products.AsNoTracking()
                .Where(p => after == null || p.Id.CompareTo(after.Value) > 0)
                .OrderBy(p => p.Id).Select(p => new { p.Id, p.Sku }).Take(100).ToListAsync(cancellationToken);
            if (products.Count == 0)
            {
                return (listed, refreshed);
            }

            foreach (var sku in products.Select(p => p.Sku))
            {
                StockLevelResponse stock;
                try
                {
                    stock = await inventory.GetStockAsync(sku, cancellationToken);
                }
                catch (ApiException exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    continue; // Inventory has never stocked it
                }

                foreach (var item in stock.Warehouses)
                {
                    listed++;
                    refreshed += await ApplyStockLevelAsync(db, item.Sku, item.Warehouse, item.Available, item.Version, now, cancellationToken) ? 1 : 0;
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            after = products[^1].Id;
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
