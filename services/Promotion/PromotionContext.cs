namespace Commerce.Promotion;

public static class PromotionContext
{
    public const string Name = "Promotion";

    public static IHostApplicationBuilder AddPromotionContext(this IHostApplicationBuilder builder)
    {
        builder.AddCommerceContext<PromotionDbContext>(Name);
        return builder;
    }

    /// <summary>/promotions/...</summary>
    public static IEndpointRouteBuilder MapPromotionContext(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapContextGroup(Name, "/promotions");
        return endpoints;
    }
}
