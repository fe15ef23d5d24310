using Commerce.Pricing.Caches;
using Commerce.Pricing.Contracts;
using Commerce.Pricing.Quotes;
using Commerce.Pricing.Rules;
using Commerce.Product.Contracts;
using Commerce.Promotion.Contracts;
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
            .RetainRecords(ExpiredQuotesRecords, TimeSpan.FromDays(7), (db, cutoff) => db.Quotes
                .Where(q => q.ExpiresAt < cutoff)
                .OrderBy(q => q.ExpiresAt));
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
