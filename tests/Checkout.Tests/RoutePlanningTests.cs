using Commerce.Checkout.Contracts;
using Commerce.Delivery.Contracts;
using Commerce.Testing;
using Commerce.Workflows.OrderSaga;
using Refit;

namespace Commerce.Checkout.Tests;

/// <summary>A shop whose carrier takes its time: shipments stay out for delivery long enough to be put on a route.</summary>
public sealed class SlowCarrierSystem : SagaSystem
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Shipping:Carrier:InTransitAfter"] = "00:10:00",
    };
}

/// <summary>A day's shipments, as the saga creates them, planned by Delivery into routes whose stops Shipping shows.</summary>
public sealed class RoutePlanningTests(SlowCarrierSystem shop) : IClassFixture<SlowCarrierSystem>
{
    [Fact]
    public async Task DaysShipments_PlannedIntoRoutes_ShippingShowsEachShipmentsStop()
    {
        var orders = await Task.WhenAll(ShippedOrderAsync(), ShippedOrderAsync());
        var shipments = await Task.WhenAll(orders.Select(o => shop.Shipping.GetShipmentForOrderAsync(o)));
        var delivery = shop.Api<IDeliveryApi>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        // Delivery learns of each shipment from Shipping's event: plan until both are on a route (a repeat plans only
        // what is new, so planning again never moves a routed shipment).
        var routes = await Poll.UntilAsync(
            async () =>
            {
                await delivery.PlanAsync(new PlanRoutesRequest(today));
                return await delivery.ListRoutesAsync(today);
            },
            all => shipments.All(s => all.Any(r => r.Stops.Any(stop => stop.ShipmentId == s.Id))));

        foreach (var shipment in shipments)
        {
            var route = routes.Single(r => r.Stops.Any(stop => stop.ShipmentId == shipment.Id));
            var stop = route.Stops.Single(s => s.ShipmentId == shipment.Id);
            var shown = await Poll.UntilAsync(() => shop.Shipping.GetShipmentAsync(shipment.Id), s => s.Route is not null);
            Assert.Equal((route.Id, stop.Number, route.Stops.Count), (shown.Route!.RouteId, shown.Route.StopNumber, shown.Route.Stops));
            Assert.Equal(stop.Number, (await delivery.GetShipmentRouteAsync(shipment.Id)).StopNumber);
        }
    }

    /// <summary>A new order submitted and run by the saga until it waits for the carrier to deliver; its id.</summary>
    private async Task<Guid> ShippedOrderAsync()
    {
        var order = await shop.NewOrderAsync(quantity: 1);
        var submitted = await shop.Checkout.SubmitAsync(order.OrderId, new SubmitCheckoutRequest(order.PaymentMethodId));
        Assert.True(submitted.IsSuccessful, (submitted.Error as ApiException)?.Content);
        await shop.WaitForSagaAsync(order.OrderId, s => s.Stage == SagaStages.Shipped);
        return order.OrderId;
    }
}
