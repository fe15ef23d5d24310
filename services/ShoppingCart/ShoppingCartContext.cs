namespace Commerce.ShoppingCart;

public static class ShoppingCartContext
{
    public const string Name = "ShoppingCart";

    public static IHostApplicationBuilder AddShoppingCartContext(this IHostApplicationBuilder builder)
    {
        builder.AddCommerceContext<ShoppingCartDbContext>(Name);
        return builder;
    }

    /// <summary>/carts/{customerId}/...</summary>
    public static IEndpointRouteBuilder MapShoppingCartContext(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapContextGroup(Name, "/carts");
        return endpoints;
    }
}
