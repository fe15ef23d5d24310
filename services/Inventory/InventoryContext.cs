using Commerce.Inventory.Products;
using Commerce.Inventory.Reservations;
using Commerce.Inventory.Stock;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults.Demo;
using Microsoft.Extensions.Configuration;

namespace Commerce.Inventory;

public static class InventoryContext
{
    public const string Name = "Inventory";

    public static IHostApplicationBuilder AddInventoryContext(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddCommerceContext<InventoryDbContext>(Name)
            .HandleProductEvents()
            .SeedDemoData(SeedDemoStockAsync);
        // Only for product events written before they carried the product's whole state.
        builder.AddContextClient<IProductApi>("Product", Name);

        builder.Services.Configure<ReservationOptions>(builder.Configuration.GetSection("Inventory:Reservations"));
        builder.Services.AddSingleton<ReservationExpirySweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReservationExpirySweeper>());
        return builder;
    }

    /// <summary>/inventory/stock/... and /inventory/reservations/...</summary>
    public static IEndpointRouteBuilder MapInventoryContext(this IEndpointRouteBuilder endpoints)
    {
        var inventory = endpoints.MapContextGroup(Name, "/inventory");
        inventory.MapStock();
        inventory.MapReservations();
        return endpoints;
    }

    private static async Task SeedDemoStockAsync(InventoryDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        foreach (var product in DemoCatalog.Products)
        {
            foreach (var (warehouse, quantity) in new[] { (DemoCatalog.Warehouses[0], product.StockEast), (DemoCatalog.Warehouses[1], product.StockWest) })
            {
                if (await db.StockItems.AnyAsync(s => s.Sku == product.Sku && s.Warehouse == warehouse, cancellationToken))
                {
                    continue;
                }

                await StockStore.ReceiveAsync(db, now, product.Sku, warehouse, quantity, "demo-seed", "Demo data", cancellationToken);
                await db.Database.ExecuteSqlAsync(
                    $"UPDATE inventory.stock_items SET reorder_point = 5 WHERE sku = {product.Sku} AND warehouse = {warehouse}",
                    cancellationToken);
            }
        }
    }
}
