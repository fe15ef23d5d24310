using Commerce.Delivery.Privacy;
using Commerce.Delivery.Routes;
using Commerce.Delivery.Routing;
using Commerce.Shipping.Contracts;

namespace Commerce.Delivery;

public static class DeliveryContext
{
    public const string Name = "Delivery";

    public static IHostApplicationBuilder AddDeliveryContext(this IHostApplicationBuilder builder)
    {
        builder.AddCommerceContext<DeliveryDbContext>(Name)
            .HoldsCustomersPersonalData()
            .HandleEvent<ShipmentCreated>("Shipping", ShipmentCreatedAsync)
            .HandleEvent<ShipmentDelivered>("Shipping", ShipmentDeliveredAsync)
            .KeepCachedCopies<DispatchShipment>("the stops of planned routes, shown with them");
        builder.Services.Configure<PlanningOptions>(builder.Configuration.GetSection(PlanningOptions.Section));
        builder.Services.AddScoped<RoutePlanner>();
        builder.Services.AddSingleton<ScheduledPlanner>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ScheduledPlanner>());
        return builder;
    }

    /// <summary>/delivery/...</summary>
    public static IEndpointRouteBuilder MapDeliveryContext(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapContextGroup(Name, "/delivery").MapRoutes();
        return endpoints;
    }

    /// <summary>
    /// A shipment to dispatch on the day Shipping created it (UTC). One Shipping created before it sent addresses with
    /// the event, or with a code that places nowhere, cannot be put on a map: it is left to the carrier's own rounds.
    /// </summary>
    internal static async Task ShipmentCreatedAsync(IncomingEvent<ShipmentCreated> incoming, DeliveryDbContext db, CancellationToken cancellationToken)
    {
        var e = incoming.Event;
        var code = e.PostalCode is null ? "" : PostalGeometry.Normalize(e.PostalCode);
        if (code.Length is 0 or > DispatchShipment.PostalCodeLength || e.Country is not { Length: 2 } country || !country.All(char.IsAsciiLetterUpper))
        {
            incoming.Services.GetRequiredService<ILogger<DeliveryDbContext>>().LogWarning(
                "Shipment {ShipmentId} has no routable postal code and country; it is not routed", e.ShipmentId);
            return;
        }

        var region = PostalGeometry.RegionOf(country, code);
        var at = PostalGeometry.Locate(code);
        var day = DateOnly.FromDateTime(incoming.OccurredAt.UtcDateTime);
        await db.ApplyAsync<DispatchShipment>(
            s => s.ShipmentId == e.ShipmentId,
            incoming.AggregateVersion,
            () => new DispatchShipment
            {
                ShipmentId = e.ShipmentId,
                OrderId = e.OrderId,
                PostalCode = code,
                Country = country,
                Region = region,
                X = at.X,
                Y = at.Y,
                Day = day,
                ReceivedAt = incoming.OccurredAt,
            },
            // Shipping's facts only: the route and stop are Delivery's own and stay as planned.
            s => s.SetProperty(x => x.OrderId, e.OrderId).SetProperty(x => x.PostalCode, code).SetProperty(x => x.Country, country)
                .SetProperty(x => x.Region, region).SetProperty(x => x.X, at.X).SetProperty(x => x.Y, at.Y),
            cancellationToken);
    }

    /// <summary>Done: a delivered shipment is not routed any more. One never cached (unroutable) needs nothing.</summary>
    internal static async Task ShipmentDeliveredAsync(IncomingEvent<ShipmentDelivered> incoming, DeliveryDbContext db, CancellationToken cancellationToken)
    {
        var e = incoming.Event;
        await db.Shipments
            .Where(s => s.ShipmentId == e.ShipmentId && s.SourceVersion < incoming.AggregateVersion)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.DeliveredAt, e.DeliveredAt).SetProperty(x => x.SourceVersion, incoming.AggregateVersion),
                cancellationToken);
    }
}
