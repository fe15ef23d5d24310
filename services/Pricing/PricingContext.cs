namespace Commerce.Pricing;

public static class PricingContext
{
    public const string Name = "Pricing";

    public static IHostApplicationBuilder AddPricingContext(this IHostApplicationBuilder builder)
    {
        builder.AddCommerceContext<PricingDbContext>(Name);
        return builder;
    }

    /// <summary>/pricing/quotes/... and /pricing/rules/...</summary>
    public static IEndpointRouteBuilder MapPricingContext(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapContextGroup(Name, "/pricing");
        return endpoints;
    }
}
