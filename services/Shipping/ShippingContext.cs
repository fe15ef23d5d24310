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
        // The simulator's own worker: sends the tracking pushes it promised as they fall due (see SimulatedCarrier).
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SimulatedCarrier>());
        builder.Services.AddSingleton<ICarrier>(sp => sp.GetRequiredService<SimulatedCarrier>());
        builder.Services.AddScoped<TrackingUpdates>();
        return builder;
    }

    public static IEndpointRouteBuilder MapShippingContext(this IEndpointRouteBuilder endpoints) => endpoints.MapShipments();
}
