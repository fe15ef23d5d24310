using Commerce.Shipping.Carrier;
using Commerce.Shipping.Shipments;

namespace Commerce.Shipping;

public static class ShippingContext
{
    public const string Name = "Shipping";

    public static IHostApplicationBuilder AddShippingContext(this IHostApplicationBuilder builder)
    {
        builder.AddCommerceContext<ShippingDbContext>(Name);
        builder.Services.Configure<SimulatedCarrierOptions>(builder.Configuration.GetSection("Shipping:Carrier"));
        builder.Services.AddSingleton<SimulatedCarrier>();
        builder.Services.AddSingleton<ICarrier>(sp => sp.GetRequiredService<SimulatedCarrier>());
        builder.Services.AddScoped<TrackingUpdates>();
        return builder;
    }

    public static IEndpointRouteBuilder MapShippingContext(this IEndpointRouteBuilder endpoints) => endpoints.MapShipments();
}
