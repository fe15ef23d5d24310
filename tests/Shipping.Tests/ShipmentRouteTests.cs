using System.Net.Http.Json;
using Commerce.Delivery.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Commerce.Shipping.Contracts;

namespace Commerce.Shipping.Tests;

/// <summary>Delivery's ShipmentRouted, delivered to Shipping's inbox as Delivery's dispatcher delivers it, shows on the shipment.</summary>
public sealed class ShipmentRouteTests(ManualCarrierFixture fixture) : IClassFixture<ManualCarrierFixture>
{
    private static readonly DateOnly Day = new(2030, 2, 10);

    [Fact]
    public async Task Create_ShipmentCreated_CarriesWhereItGoes()
    {
        var shipment = await CreateAsync("94107");

        var (_, _, payload) = Assert.Single(await fixture.Sql.EventsAsync("shipping", shipment.Id));

        Assert.Equal(("94107", "US", "CA"),
            (payload.GetProperty("postalCode").GetString(), payload.GetProperty("country").GetString(), payload.GetProperty("region").GetString()));
    }

    [Fact]
    public async Task ShipmentRouted_Delivered_ShipmentShowsItsRouteAndStop()
    {
        var shipment = await CreateAsync("94107");
        var routeId = Guid.NewGuid();
        Assert.Null(shipment.Route);

        Assert.Equal(InboxOutcome.Processed, await RoutedAsync(shipment, routeId, stop: 3, version: 3, DateTimeOffset.UtcNow));
        // A lower version of the same route (another stop's announcement) is applied too: every stop is its own shipment's.
        var other = await CreateAsync("94108");
        Assert.Equal(InboxOutcome.Processed, await RoutedAsync(other, routeId, stop: 1, version: 1, DateTimeOffset.UtcNow));

        Assert.Equal(new ShipmentStop(routeId, Day, "US-94", 3, 7), (await GetAsync(shipment.Id)).Route);
        Assert.Equal(new ShipmentStop(routeId, Day, "US-94", 1, 7), (await GetAsync(other.Id)).Route);
        Assert.Equal(new ShipmentStop(routeId, Day, "US-94", 3, 7),
            (await fixture.Client.GetFromJsonAsync<ShipmentResponse>($"/shipments/by-order/{shipment.OrderId}", CommerceJson.Options))!.Route);
    }

    [Fact]
    public async Task ShipmentRouted_OlderPlanArrivingLast_TheLaterPlanStays()
    {
        var shipment = await CreateAsync("94107");
        var (earlier, later) = (Guid.NewGuid(), Guid.NewGuid());
        var plannedAt = DateTimeOffset.UtcNow;

        await RoutedAsync(shipment, later, stop: 2, version: 2, plannedAt);
        await RoutedAsync(shipment, earlier, stop: 5, version: 9, plannedAt.AddMinutes(-5));
        await RoutedAsync(shipment, later, stop: 2, version: 2, plannedAt); // a redelivery under a new event id

        Assert.Equal(new ShipmentStop(later, Day, "US-94", 2, 7), (await GetAsync(shipment.Id)).Route);
        Assert.Equal(1, await fixture.Sql.CountAsync("shipping.shipment_routes", "shipment_id = $1", shipment.Id));
    }

    private async Task<InboxOutcome> RoutedAsync(ShipmentResponse shipment, Guid routeId, int stop, int version, DateTimeOffset plannedAt)
    {
        var envelope = TestSupport.Envelope("Delivery", routeId.ToString(), version,
            new ShipmentRouted(shipment.Id, shipment.OrderId, routeId, Day, "US-94", stop, 7));
        return await fixture.Client.DeliverAsync("shipping", envelope with { OccurredAt = plannedAt });
    }

    private async Task<ShipmentResponse> CreateAsync(string postalCode)
    {
        var response = await fixture.Carrier.PostAsJsonAsync("/shipments", new CreateShipmentRequest(Guid.NewGuid(),
            new ShippingAddress("Ada", "1 Main St", "San Francisco", postalCode, "US", Region: "CA"), [new ShipmentItem(Guid.NewGuid(), "SKU-1", 1)]),
            CommerceJson.Options);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ShipmentResponse>(CommerceJson.Options))!;
    }

    private async Task<ShipmentResponse> GetAsync(Guid id) =>
        (await fixture.Client.GetFromJsonAsync<ShipmentResponse>($"/shipments/{id}", CommerceJson.Options))!;
}
