using Commerce.Delivery.Contracts;
using Commerce.Shipping.Carrier;
using Commerce.Shipping.Customers;
using Commerce.Shipping.Privacy;
using Commerce.Shipping.Routes;
using Commerce.Shipping.Shipments;

namespace Commerce.Shipping;

public static class ShippingContext
{
    public const string Name = "Shipping";

    /// <summary>The retention name of accepted webhook signatures (Commerce:Retention:Records:Shipping:WebhookSignatures).</summary>
    public const string AcceptedWebhookSignaturesRecords = "WebhookSignatures";

    public static IHostApplicationBuilder AddShippingContext(this IHostApplicationBuilder builder)
    {
        builder.AddCommerceContext<ShippingDbContext>(Name)
            .HoldsCustomersPersonalData()
            // A route's stops are successive versions of the route, each about another shipment: every one must be applied.
            .HandleEvent<ShipmentRouted>("Delivery", ShipmentRoutes.ApplyAsync, ignoreStaleVersions: false)
            .KeepCachedCopies<ShipmentRouteCopy>("the route and stop shown with the shipment, kept as long as it")
            .HandleCustomerEvents()
            // A signature is remembered until its timestamp is outside the tolerance, when the timestamp check refuses a
            // replay by itself; an age configured below the tolerance would let replays through.
            .RetainRecords(AcceptedWebhookSignaturesRecords, CarrierWebhookSignature.Tolerance, (db, cutoff) => db.AcceptedWebhookSignatures
                .Where(a => a.SignedAt < cutoff)
                .OrderBy(a => a.SignedAt));
        CarrierWebhookSecret.AddTo(builder);
        builder.Services.Configure<SimulatedCarrierOptions>(builder.Configuration.GetSection("Shipping:Carrier"));
        // The simulated carrier calls Shipping's webhook over HTTP, signed, as a carrier outside the process would.
        builder.Services.AddHttpClient(SimulatedCarrier.Name, client => client.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton<SimulatedCarrier>();
        // The simulator's own worker: sends the tracking pushes it promised as they fall due (see SimulatedCarrier).
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SimulatedCarrier>());
        builder.Services.AddSingleton<ICarrier>(sp => sp.GetRequiredService<SimulatedCarrier>());
        builder.Services.AddScoped<TrackingUpdates>();
        return builder;
    }

    public static IEndpointRouteBuilder MapShippingContext(this IEndpointRouteBuilder endpoints) => endpoints.MapShipments();
}
