using Commerce.Inventory.Contracts;
using Commerce.Product.Contracts;
using Commerce.Seller.Contracts;
using Commerce.Seller.LowStock;
using Commerce.Seller.Privacy;
using Commerce.Seller.Profiles;
using Commerce.ServiceDefaults.Demo;

namespace Commerce.Seller;

public static class SellerContext
{
    public const string Name = "Seller";

    public static IHostApplicationBuilder AddSellerContext(this IHostApplicationBuilder builder)
    {
        builder.AddCommerceContext<SellerDbContext>(Name)
            .HoldsCustomersPersonalData()
            .HandleEvent<ProductCreated>("Product", ProductCopies.CreatedAsync)
            .HandleEvent<ProductUpdated>("Product", ProductCopies.UpdatedAsync)
            .HandleEvent<ProductDiscontinued>("Product", ProductCopies.DiscontinuedAsync)
            // A low-stock alert for a product the cache lacks is ignored, as one for a discontinued product is.
            .ExpireCachedCopies<ProductCopy>("discontinued-product-copies", CachedCopies.TombstoneLifetime, p => p.Status == ProductStatus.Discontinued)
            .HandleEvent<LowStockAlert>("Inventory", LowStockTracking.AlertAsync)
            .HandleEvent<StockLevelChanged>("Inventory", LowStockTracking.LevelChangedAsync)
            .SeedDemoData(SeedDemoSellersAsync);
        // Profiles are the sellers' records and low-stock rows one per SKU and warehouse: nothing grows without bound.
        return builder;
    }

    /// <summary>/sellers/...</summary>
    public static IEndpointRouteBuilder MapSellerContext(this IEndpointRouteBuilder endpoints)
    {
        var sellers = endpoints.MapContextGroup(Name, "/sellers");
        sellers.MapSellers();
        sellers.MapLowStock();
        return endpoints;
    }

    /// <summary>
    /// The demo sellers (<see cref="DemoCatalog.Sellers"/>: fixed ids, managed by demo customers' accounts), registered
    /// as a customer registers one, so SellerRegistered reaches Product and Notification; matched by id, so seeding
    /// twice changes nothing.
    /// </summary>
    private static async Task SeedDemoSellersAsync(SellerDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var ids = DemoCatalog.Sellers.Select(s => s.Id).ToList();
        var existing = await db.Sellers.Where(s => ids.Contains(s.Id)).Select(s => s.Id).ToListAsync(cancellationToken);
        foreach (var demo in DemoCatalog.Sellers.Where(s => !existing.Contains(s.Id)))
        {
            SellerEndpoints.Register(db, demo.Id, demo.AccountId,
                new RegisterSellerRequest(demo.DisplayName, demo.ContactEmail, Description: $"{demo.DisplayName} (demo seller)."), now);
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
