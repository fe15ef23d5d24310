namespace Commerce.Seller;

public static class SellerContext
{
    public const string Name = "Seller";

    public static IHostApplicationBuilder AddSellerContext(this IHostApplicationBuilder builder)
    {
        builder.AddCommerceContext<SellerDbContext>(Name);
        return builder;
    }

    /// <summary>/sellers/...</summary>
    public static IEndpointRouteBuilder MapSellerContext(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapContextGroup(Name, "/sellers");
        return endpoints;
    }
}
