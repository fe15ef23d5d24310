using Commerce.Inventory.Contracts;
using Commerce.Product.Catalog;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Commerce.Product;

public static class ProductContext
{
    public const string Name = "Product";

    public static IHostApplicationBuilder AddProductContext(this IHostApplicationBuilder builder)
    {
        builder.AddCommerceContext<ProductDbContext>(Name)
            .HandleEvent<StockLevelChanged>("Inventory", ApplyStockLevelAsync)
            .SeedDemoData(DemoCatalog.SeedAsync);
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

/// <summary>The demo catalog loaded by <c>seed-demo</c>; upserts by SKU, so running it twice changes nothing.</summary>
public static class DemoCatalog
{
    public static IReadOnlyList<CreateProductRequest> Products { get; } =
    [
        new("DEMO-LAPTOP-14", "Aurora 14 Laptop", "Computers", 1299.00m, "USD", "14-inch ultrabook, 16 GB RAM, 512 GB SSD.",
            [new("RAM", "16 GB"), new("Storage", "512 GB SSD"), new("Weight", "1.2 kg")], ["https://images.example.com/aurora-14.jpg"]),
        new("DEMO-MOUSE-WL", "Glide Wireless Mouse", "Accessories", 29.99m, "USD", "Silent-click wireless mouse.",
            [new("Connectivity", "Bluetooth 5.2")], ["https://images.example.com/glide-mouse.jpg"]),
        new("DEMO-KEYBOARD-MX", "Tactile Mechanical Keyboard", "Accessories", 119.00m, "USD", "Hot-swappable switches, backlit.",
            [new("Layout", "ANSI"), new("Switches", "Brown")], ["https://images.example.com/tactile-keyboard.jpg"]),
        new("DEMO-MONITOR-27", "Vista 27 4K Monitor", "Displays", 449.00m, "USD", "27-inch 4K IPS display.",
            [new("Resolution", "3840x2160"), new("Panel", "IPS")], ["https://images.example.com/vista-27.jpg"]),
        new("DEMO-HEADPHONES", "Quiet Over-Ear Headphones", "Audio", 199.00m, "USD", "Noise-cancelling, 30 h battery.",
            [new("Battery", "30 h")], ["https://images.example.com/quiet-headphones.jpg"]),
        new("DEMO-USB-C-HUB", "Seven-Port USB-C Hub", "Accessories", 49.00m, "USD", "HDMI, SD, three USB-A, PD charging.",
            [new("Ports", "7")], ["https://images.example.com/usb-c-hub.jpg"]),
    ];

    public static async Task SeedAsync(ProductDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        var clock = services.GetRequiredService<TimeProvider>();
        var existing = await db.Products.Select(p => p.Sku).ToListAsync(cancellationToken);
        foreach (var request in Products.Where(p => !existing.Contains(p.Sku)))
        {
            var now = clock.GetUtcNow();
            var product = new CatalogProduct
            {
                Id = Guid.CreateVersion7(),
                Sku = request.Sku,
                Name = request.Name,
                Description = request.Description ?? "",
                Category = request.Category,
                Price = request.Price,
                Currency = request.Currency,
                Attributes = [.. (request.Attributes ?? []).Select(a => new SpecificationAttribute { Name = a.Name, Value = a.Value })],
                ImageUrls = [.. request.ImageUrls ?? []],
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
