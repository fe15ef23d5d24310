namespace Commerce.Delivery;

public static class DeliveryContext
{
    public const string Name = "Delivery";

    public static IHostApplicationBuilder AddDeliveryContext(this IHostApplicationBuilder builder)
    {
        builder.AddCommerceContext<DeliveryDbContext>(Name);
        return builder;
    }

    /// <summary>/delivery/...</summary>
    public static IEndpointRouteBuilder MapDeliveryContext(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapContextGroup(Name, "/delivery");
        return endpoints;
    }
}
