using System.Net;
using System.Net.Http.Json;
using Commerce.Delivery.Contracts;
using Commerce.Delivery.Routes;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Commerce.Shipping.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Delivery.Tests;

/// <summary>Each test plans its own day, so they share the class's database without seeing each other's shipments.</summary>
public sealed class RoutePlanningTests(DeliveryHost host) : IClassFixture<DeliveryHost>
{
    [Fact]
    public async Task Plan_DayOfShipments_RoutesEachOnceInOptimisedOrderAndAnnouncesEveryStop()
    {
        var day = new DateOnly(2030, 2, 10);
        var random = new Random(1);
        var west = new List<Guid>();
        var east = new List<Guid>();
        for (var i = 0; i < 30; i++)
        {
            west.Add(await host.ShipmentCreatedAsync($"94{random.Next(1000):D3}", DeliveryHost.At(day).AddMinutes(i)));
            if (i % 2 == 0)
            {
                east.Add(await host.ShipmentCreatedAsync($"10{random.Next(1000):D3}", DeliveryHost.At(day).AddMinutes(i)));
            }
        }

        var plan = await host.PlanAsync(day);

        Assert.Equal(["US-10", "US-94"], plan.Routes.Select(r => r.Region));
        foreach (var (route, shipments) in new[] { (plan.Routes[0], east), (plan.Routes[1], west) })
        {
            Assert.Equal(day, route.Day);
            Assert.Equal(shipments.Order(), route.Stops.Select(s => s.ShipmentId).Order());
            Assert.Equal(Enumerable.Range(1, shipments.Count), route.Stops.Select(s => s.Number));
            Assert.True(route.LengthKm < route.NaiveLengthKm, $"{route.LengthKm} km, naive {route.NaiveLengthKm} km");
            var routed = await host.Sql.EventsAsync("delivery", route.Id);
            Assert.Equal(shipments.Count, routed.Count);
            Assert.All(routed, e => Assert.Equal(nameof(ShipmentRouted), e.Type));
            Assert.Equal(route.Stops.Select(s => (s.ShipmentId, s.Number, s.Number)),
                routed.Select(e => (e.Payload.GetProperty("shipmentId").GetGuid(), e.Payload.GetProperty("stopNumber").GetInt32(), e.Version)));
            Assert.Equal(route, await host.Client.GetFromJsonAsync<RouteResponse>($"/delivery/routes/{route.Id}", CommerceJson.Options), RouteComparer);
        }

        var listed = (await host.Client.GetFromJsonAsync<List<RouteResponse>>($"/delivery/routes?day={day:yyyy-MM-dd}&region=US-94", CommerceJson.Options))!;
        Assert.Equal(plan.Routes[1].Id, Assert.Single(listed).Id);
        Assert.Equal(2, (await host.Client.GetFromJsonAsync<List<RouteResponse>>($"/delivery/routes?day={day:yyyy-MM-dd}", CommerceJson.Options))!.Count);
        var stop = plan.Routes[1].Stops[4];
        Assert.Equal(new ShipmentRoute(stop.ShipmentId, plan.Routes[1].Id, day, "US-94", 5, west.Count),
            await host.Shipping.GetFromJsonAsync<ShipmentRoute>($"/delivery/shipments/{stop.ShipmentId}", CommerceJson.Options));
    }

    [Fact]
    public async Task Plan_Repeated_PlansNothingNew_AndLaterShipmentsGoIntoANewRoute()
    {
        var day = new DateOnly(2030, 2, 11);
        var first = new[] { await host.ShipmentCreatedAsync("94110", DeliveryHost.At(day, 8)), await host.ShipmentCreatedAsync("94112", DeliveryHost.At(day, 9)) };
        var planned = Assert.Single((await host.PlanAsync(day)).Routes);

        Assert.Empty((await host.PlanAsync(day)).Routes);
        var late = await host.ShipmentCreatedAsync("94115", DeliveryHost.At(day, 15));
        var second = Assert.Single((await host.PlanAsync(day)).Routes);

        Assert.Equal(first.Order(), planned.Stops.Select(s => s.ShipmentId).Order());
        Assert.Equal(late, Assert.Single(second.Stops).ShipmentId);
        Assert.NotEqual(planned.Id, second.Id);
        Assert.Equal(3, await host.Sql.CountAsync("delivery.outbox_messages", "type = 'ShipmentRouted' AND payload->>'day' = $1", $"{day:yyyy-MM-dd}"));
        Assert.Equal(2, (await host.Client.GetFromJsonAsync<List<RouteResponse>>($"/delivery/routes?day={day:yyyy-MM-dd}", CommerceJson.Options))!.Count);
    }

    [Fact]
    public async Task Plan_ShipmentDeliveredBeforePlanning_IsNotRouted()
    {
        var day = new DateOnly(2030, 2, 12);
        var routed = await host.ShipmentCreatedAsync("94110", DeliveryHost.At(day, 8));
        var delivered = await host.ShipmentCreatedAsync("94111", DeliveryHost.At(day, 8));
        await host.ShipmentDeliveredAsync(delivered, DeliveryHost.At(day, 10));

        var route = Assert.Single((await host.PlanAsync(day)).Routes);

        Assert.Equal(routed, Assert.Single(route.Stops).ShipmentId);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Shipping.GetAsync($"/delivery/shipments/{delivered}")).StatusCode);
    }

    [Fact]
    public async Task ShipmentCreated_WithoutAPostalCode_IsNotRouted()
    {
        var day = new DateOnly(2030, 2, 13);
        var shipmentId = Guid.NewGuid();
        Assert.Equal(InboxOutcome.Processed, await host.Client.DeliverAsync("delivery",
            DeliveryHost.Envelope(shipmentId, 1, DeliveryHost.At(day), new ShipmentCreated(shipmentId, Guid.NewGuid(), "SimCarrier", "SIM-OLD-1"))));

        Assert.Empty((await host.PlanAsync(day)).Routes);
        Assert.Equal(0, await host.Sql.CountAsync("delivery.shipments", "shipment_id = $1", shipmentId));
    }

    [Fact]
    public async Task ShipmentCreated_RedeliveredWithANewEventId_KeepsOneShipment()
    {
        var day = new DateOnly(2030, 2, 14);
        var shipmentId = Guid.NewGuid();
        var created = new ShipmentCreated(shipmentId, Guid.NewGuid(), "SimCarrier", "SIM-TWICE-1", "94110", "US");
        Assert.Equal(InboxOutcome.Processed, await host.Client.DeliverAsync("delivery", DeliveryHost.Envelope(shipmentId, 1, DeliveryHost.At(day), created)));

        Assert.Equal(InboxOutcome.Stale, await host.Client.DeliverAsync("delivery", DeliveryHost.Envelope(shipmentId, 1, DeliveryHost.At(day), created)));
        Assert.Single(Assert.Single((await host.PlanAsync(day)).Routes).Stops);
    }

    private static readonly IEqualityComparer<RouteResponse?> RouteComparer = EqualityComparer<RouteResponse?>.Create(
        (a, b) => a is not null && b is not null && a.Id == b.Id && a.Stops.SequenceEqual(b.Stops) && a.LengthKm == b.LengthKm
                  && a.NaiveLengthKm == b.NaiveLengthKm && a.Region == b.Region && a.Day == b.Day);
}

public sealed class RouteSplittingTests(SmallRoutesHost host) : IClassFixture<SmallRoutesHost>
{
    [Fact]
    public async Task Plan_MoreStopsThanARouteTakes_SplitsTheRegionIntoSweepRoutes()
    {
        var day = new DateOnly(2030, 2, 15);
        var shipments = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            shipments.Add(await host.ShipmentCreatedAsync($"941{i * 7:D2}", DeliveryHost.At(day).AddMinutes(i)));
        }

        var plan = await host.PlanAsync(day);

        Assert.Equal([4, 4, 4], plan.Routes.Select(r => r.Stops.Count));
        Assert.All(plan.Routes, r => Assert.Equal("US-94", r.Region));
        Assert.Equal(shipments.Order(), plan.Routes.SelectMany(r => r.Stops).Select(s => s.ShipmentId).Order());
        Assert.Equal(12, await host.Sql.CountAsync("delivery.outbox_messages", "type = 'ShipmentRouted'"));
    }
}

/// <summary>The scheduled planner's one pass, driven by the manual clock (its own class: it plans every due day).</summary>
public sealed class ScheduledPlannerTests(DeliveryHost host) : IClassFixture<DeliveryHost>
{
    [Fact]
    public async Task PlanDue_PlansPastDaysLeftovers_AndTodayOnlyOnTheNextDay()
    {
        var today = DateOnly.FromDateTime(host.Clock.GetUtcNow().UtcDateTime);
        var yesterdays = await host.ShipmentCreatedAsync("94110", DeliveryHost.At(today.AddDays(-1), 9));
        var todays = await host.ShipmentCreatedAsync("94111", host.Clock.GetUtcNow().AddHours(-1));
        var planner = host.Services.GetRequiredService<ScheduledPlanner>();

        Assert.Equal(1, await planner.PlanDueAsync(CancellationToken.None));
        Assert.Equal(0, await planner.PlanDueAsync(CancellationToken.None));
        Assert.Equal(today.AddDays(-1), (await host.Shipping.GetFromJsonAsync<ShipmentRoute>($"/delivery/shipments/{yesterdays}", CommerceJson.Options))!.Day);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Shipping.GetAsync($"/delivery/shipments/{todays}")).StatusCode);

        host.Clock.Advance(TimeSpan.FromDays(1));

        Assert.Equal(1, await planner.PlanDueAsync(CancellationToken.None));
        Assert.Equal(today, (await host.Shipping.GetFromJsonAsync<ShipmentRoute>($"/delivery/shipments/{todays}", CommerceJson.Options))!.Day);
    }
}
