using Commerce.Inventory.Contracts;
using Commerce.Product.Catalog;
using Commerce.Product.Contracts;
using Commerce.Review.Contracts;
using Commerce.Seller.Contracts;
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
            .KeepCachedCopies<StockLevel>("shown with every product; a missing level would read as out of stock")
            .HandleEvent<SellerRegistered>("Seller", (e, db, ct) => ApplySellerAsync(e, e.Event.SellerId, e.Event.State, db, ct))
            .HandleEvent<SellerProfileUpdated>("Seller", (e, db, ct) => ApplySellerAsync(e, e.Event.SellerId, e.Event.State, db, ct))
            .HandleEvent<SellerSuspended>("Seller", (e, db, ct) => ApplySellerAsync(e, e.Event.SellerId, e.Event.State, db, ct))
            .HandleEvent<SellerReinstated>("Seller", (e, db, ct) => ApplySellerAsync(e, e.Event.SellerId, e.Event.State, db, ct))
            .RebuildCache("sellers", RebuildSellersAsync)
            .KeepCachedCopies<SellerCopy>("shown with the seller's products; sellers are never deleted")
            // Every approval of every review of a product carries the product's whole summary and its own counter
            // (RatingVersion): ApplyAsync orders by that. The review's version (the envelope's) says nothing about
            // the product's summary, so the inbox must not skip by it; it still drops a redelivered event by its id.
            .HandleEvent<ReviewApproved>("Review", ApplyRatingAsync, ignoreStaleVersions: false)
            .KeepCachedCopies<ProductRatingCopy>("the product's rating summary, shown with it; only a later approval replaces it")
            .HandleCartEvents()
            .SeedDemoData(ProductDemoData.SeedAsync);
        builder.AddContextClient<IInventoryApi>("Inventory", Name);
        // Only the sellers rebuild reads Seller, at an operator's request (POST /ops/product/caches/rebuild): it lists
        // sellers with that operator's token, as Seller lists them to operators only.
        builder.AddContextClient<ISellerApi>("Seller", Name, actForRequestCaller: true);
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

    /// <summary>Caches a seller (each Seller event carries its whole shared state) by the seller's version.</summary>
    private static Task ApplySellerAsync<TEvent>(
        IncomingEvent<TEvent> incoming, Guid sellerId, SellerState state, ProductDbContext db, CancellationToken cancellationToken) =>
        ApplySellerAsync(db, sellerId, state.AccountId, state.DisplayName, state.Status, incoming.AggregateVersion,
            incoming.Services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);

    private static Task<bool> ApplySellerAsync(
        ProductDbContext db,
        Guid sellerId,
        Guid accountId,
        string displayName,
        SellerStatus status,
        int version,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // Seller caps display names at the same length; a longer one (a future Seller) is cut rather than refused forever.
        var name = displayName.Length > Limits.SellerName ? displayName[..Limits.SellerName] : displayName;
        return db.ApplyAsync<SellerCopy>(
            s => s.SellerId == sellerId,
            version,
            () => new SellerCopy { SellerId = sellerId, AccountId = accountId, DisplayName = name, Status = status, SourceVersion = version, UpdatedAt = now },
            s => s.SetProperty(c => c.AccountId, accountId).SetProperty(c => c.DisplayName, name).SetProperty(c => c.Status, status)
                .SetProperty(c => c.UpdatedAt, now),
            cancellationToken);
    }

    /// <summary>Caches the product's rating summary as of the approval, by the summary's own version.</summary>
    internal static Task ApplyRatingAsync(IncomingEvent<ReviewApproved> incoming, ProductDbContext db, CancellationToken cancellationToken)
    {
        var rating = incoming.Event.Rating;
        var productId = incoming.Event.ProductId;
        var version = incoming.Event.RatingVersion;
        var now = incoming.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var average = Math.Round(rating.Average, 2, MidpointRounding.AwayFromZero);
        var stars = rating.Stars.ToArray();
        return db.ApplyAsync<ProductRatingCopy>(
            r => r.ProductId == productId,
            version,
            () => new ProductRatingCopy { ProductId = productId, Count = rating.Count, Average = average, Stars = stars, SourceVersion = version, UpdatedAt = now },
            r => r.SetProperty(c => c.Count, rating.Count).SetProperty(c => c.Average, average).SetProperty(c => c.Stars, stars)
                .SetProperty(c => c.UpdatedAt, now),
            cancellationToken);
    }

    /// <summary>Asks Seller for every seller, a page at a time, as the operator who asked for the rebuild.</summary>
    private static async Task<(int OwnerCopies, int Refreshed)> RebuildSellersAsync(
        ProductDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        const int pageSize = 100;
        var sellers = services.GetRequiredKeyedService<ISellerApi>(Name);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var (listed, refreshed) = (0, 0);
        for (var page = 1; ; page++)
        {
            var listing = await sellers.ListAsync(page: page, pageSize: pageSize, cancellationToken: cancellationToken);
            foreach (var seller in listing.Items)
            {
                listed++;
                refreshed += await ApplySellerAsync(
                    db, seller.Id, seller.AccountId, seller.DisplayName, seller.Status, seller.Version, now, cancellationToken) ? 1 : 0;
            }

            await db.SaveChangesAsync(cancellationToken);
            if (listing.Items.Count == 0 || page * listing.PageSize >= listing.TotalCount)
            {
                return (listed, refreshed);
            }
        }
    }

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
/// <c>seed-demo</c>; matched by SKU, so running it twice changes nothing. The two demo sellers (fixed ids, seeded by
/// Seller) sell two products each; the rest are the shop's own.
/// </summary>
public static class ProductDemoData
{
    public static readonly Guid FirstSeller = new("5e11e500-0000-0000-0000-000000000001");

    public static readonly Guid SecondSeller = new("5e11e500-0000-0000-0000-000000000002");

    private static readonly Dictionary<string, Guid> SellerOf = new(StringComparer.Ordinal)
    {
        ["DEMO-KEYBOARD"] = FirstSeller,
        ["DEMO-MOUSE"] = FirstSeller,
        ["DEMO-MONITOR"] = SecondSeller,
        ["DEMO-HEADSET"] = SecondSeller,
    };

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
                SellerId = SellerOf.TryGetValue(demo.Sku, out var seller) ? seller : null,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Products.Add(product);
            db.AddEvent(
                new ProductCreated(product.Id, product.Sku, product.Name, product.Category, product.Price, product.Currency, product.SellerId),
                product.Id,
                product.Version,
                now);
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
