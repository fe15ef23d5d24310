using Commerce.Pricing.Caches;
using Commerce.Pricing.Contracts;
using Commerce.Pricing.Privacy;
using Commerce.Pricing.Quotes;
using Commerce.Pricing.Rules;
using Commerce.Product.Contracts;
using Commerce.Promotion.Contracts;
using Commerce.ServiceDefaults.Demo;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Pricing;

public static class PricingContext
{
    public const string Name = "Pricing";

    /// <summary>Quotes stay readable this long after they expire (Order may still be reading one), then go.</summary>
    public const string ExpiredQuotesRecords = "expired-quotes";

    public static IHostApplicationBuilder AddPricingContext(this IHostApplicationBuilder builder)
    {
        builder.AddCommerceContext<PricingDbContext>(Name)
            .HandleCacheEvents()
            .HoldsCustomersPersonalData()
            .RetainRecords(ExpiredQuotesRecords, TimeSpan.FromDays(7), (db, cutoff) => db.Quotes
                .Where(q => q.ExpiresAt < cutoff)
                .OrderBy(q => q.ExpiresAt))
            .SeedDemoData(SeedDemoRulesAsync);
        builder.AddContextClient<IProductApi>("Product", Name);
        builder.AddContextClient<IPromotionApi>("Promotion", Name);
        return builder;
    }

    /// <summary>/pricing/quotes/..., /pricing/rules/... and /pricing/demand/...</summary>
    public static IEndpointRouteBuilder MapPricingContext(this IEndpointRouteBuilder endpoints)
    {
        var pricing = endpoints.MapContextGroup(Name, "/pricing");
        pricing.MapQuotes();
        pricing.MapRules();
        pricing.MapGet("/demand/{productId:guid}", GetDemandAsync).WithName("GetProductDemand")
            .RequireAuthorization(Access.Operators).ProducesProblems(404);
        return endpoints;
    }

    /// <summary>
    /// One rule of each kind over the demo catalog, with fixed ids so seeding twice adds nothing: 10 % off three or more
    /// of a product in Peripherals, 5 % off for Gold members, and the headset on sale for 30 days from seeding.
    /// </summary>
    private static async Task SeedDemoRulesAsync(PricingDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var headset = DemoCatalog.Products.Single(p => p.Sku == "DEMO-HEADSET");
        PricingRule[] rules =
        [
            new()
            {
                Id = new Guid("0e000000-0000-0000-0000-000000000001"), Kind = PricingRuleKind.QuantityTier, Name = "Peripherals: 10 % off 3 or more",
                Category = "Peripherals", MinimumQuantity = 3, Percent = 10m, CreatedAt = now,
            },
            new()
            {
                Id = new Guid("0e000000-0000-0000-0000-000000000002"), Kind = PricingRuleKind.MembershipDiscount, Name = "Gold members: 5 % off",
                Membership = "Gold", Percent = 5m, CreatedAt = now,
            },
            new()
            {
                Id = new Guid("0e000000-0000-0000-0000-000000000003"), Kind = PricingRuleKind.SalePrice, Name = "Headset sale",
                ProductId = headset.Id, SalePrice = 129.99m, Currency = headset.Currency, StartsAt = now, EndsAt = now.AddDays(30), CreatedAt = now,
            },
        ];
        var existing = await db.Rules.Select(r => r.Id).ToListAsync(cancellationToken);
        db.Rules.AddRange(rules.Where(r => !existing.Contains(r.Id)));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Read-only for operators for now; the rules may price by demand later.</summary>
    private static async Task<Results<Ok<ProductDemandResponse>, ProblemHttpResult>> GetDemandAsync(
        Guid productId, PricingDbContext db, CancellationToken cancellationToken)
    {
        var demand = await db.Demand.AsNoTracking().FirstOrDefaultAsync(d => d.ProductId == productId, cancellationToken);
        return demand is null
            ? Problems.NotFound($"No cart has added product {productId}.")
            : TypedResults.Ok(new ProductDemandResponse(demand.ProductId, demand.UnitsAdded, demand.Carts, demand.LastAddedAt));
    }
}
