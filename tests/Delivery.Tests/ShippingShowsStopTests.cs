using System.Net.Http.Json;
using Commerce.Delivery.Contracts;
using Commerce.ServiceDefaults;
using Commerce.Shipping.Contracts;
using Commerce.Testing;

namespace Commerce.Delivery.Tests;

/// <summary>Shipping and Delivery in one host: their events travel through the real outboxes and inboxes, over HTTP.</summary>
public sealed class ShippingAndDeliveryFixture : ContextFixture
{
    protected override string Contexts => "Shipping,Delivery";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Shipping:Carrier:AutoAdvance"] = "false",
        ["Delivery:Planning:ScheduleEnabled"] = "false",
    };
}

public sealed class ShippingShowsStopTests(ShippingAndDeliveryFixture fixture) : IClassFixture<ShippingAndDeliveryFixture>
{
    [Fact]
    public async Task Plan_DaysShipmentsFromShipping_ShippingShowsEachShipmentsRouteAndStop()
    {
        var shipments = new List<ShipmentResponse>();
        foreach (var postalCode in new[] { "94110", "94107", "94133", "94016", "10001" })
        {
            var response = await fixture.Client.PostAsJsonAsync("/shipments", new CreateShipmentRequest(Guid.NewGuid(),
                new ShippingAddress("Ada", "1 Main St", "Springfield", postalCode, "US"),
                [new ShipmentItem(Guid.NewGuid(), "SKU-1", 1)]), CommerceJson.Options);
            Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
            shipments.Add((await response.Content.ReadFromJsonAsync<ShipmentResponse>(CommerceJson.Options))!);
        }

        var ids = shipments.Select(s => s.Id).ToArray();
        await Poll.UntilAsync(async () => await fixture.Sql.CountAsync("delivery.shipments", "shipment_id = ANY($1)", ids) == ids.Length);
        var routes = new List<RouteResponse>();
        foreach (var day in shipments.Select(s => DateOnly.FromDateTime(s.CreatedAt.UtcDateTime)).Distinct())
        {
            var response = await fixture.Client.PostAsJsonAsync("/delivery/routes/plan", new PlanRoutesRequest(day), CommerceJson.Options);
            routes.AddRange((await response.Content.ReadFromJsonAsync<RoutePlan>(CommerceJson.Options))!.Routes);
        }

        Assert.Equal(ids.Order(), routes.SelectMany(r => r.Stops).Select(s => s.ShipmentId).Order());
        foreach (var route in routes)
        {
            foreach (var stop in route.Stops)
            {
                var shown = await Poll.UntilAsync(
                    async () => (await fixture.Client.GetFromJsonAsync<ShipmentResponse>($"/shipments/{stop.ShipmentId}", CommerceJson.Options))!,
                    s => s.Route is not null);
                Assert.Equal(new ShipmentStop(route.Id, route.Day, route.Region, stop.Number, route.Stops.Count), shown.Route);
            }
        }

        Assert.Contains(routes, r => r.Region == "US-94" && r.Stops.Count == 4);
        Assert.Contains(routes, r => r.Region == "US-10" && r.Stops.Count == 1);
    }
}
