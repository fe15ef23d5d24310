using System.Net;
using System.Net.Http.Json;
using System.Text;
using Commerce.ServiceDefaults;
using Commerce.Shipping.Contracts;
using Microsoft.AspNetCore.Http;
using Refit;

namespace Commerce.Shipping.Tests;

/// <summary>The carrier is driven by hand through the webhook here, signing with a secret the tests know.</summary>
public sealed class ManualCarrierFixture : ShippingFixture
{
    public const string WebhookSecret = "manual-carrier-webhook-secret-0123456789";

    private HttpClient? carrier;

    /// <summary>
    /// A client whose webhook calls are signed with <see cref="WebhookSecret"/>, as the carrier signs them; its other
    /// calls go as an operator (the saga worker's steps admit operators).
    /// </summary>
    public HttpClient Carrier => carrier ??= WithOperatorToken(App.CreateDefaultClient(new CarrierSigningHandler(WebhookSecret)));

    private HttpClient WithOperatorToken(HttpClient client)
    {
        client.DefaultRequestHeaders.Authorization = Client.DefaultRequestHeaders.Authorization;
        return client;
    }

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Shipping:Carrier:AutoAdvance"] = "false",
        ["Shipping:Carrier:WebhookSecret"] = WebhookSecret,
    };
}

public sealed class ShipmentTests(ManualCarrierFixture fixture) : IClassFixture<ManualCarrierFixture>
{
    private readonly IShippingApi api = RestService.For<IShippingApi>(
        fixture.Carrier, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    [Fact]
    public async Task Create_NewOrder_GetsTrackingNumberAndWritesShipmentCreated()
    {
        var request = NewShipment();

        var shipment = await api.CreateShipmentAsync(request);

        Assert.Equal((ShipmentStatus.LabelCreated, request.OrderId, 1), (shipment.Status, shipment.OrderId, shipment.Version));
        Assert.StartsWith("SIM", shipment.TrackingNumber, StringComparison.Ordinal);
        Assert.Equal(request.Address, shipment.Address);
        Assert.Equal(request.Items, shipment.Items);
        Assert.Equal(shipment.Id, (await api.GetShipmentForOrderAsync(request.OrderId)).Id);
        var (type, version, _) = Assert.Single(await fixture.Sql.EventsAsync("shipping", shipment.Id));
        Assert.Equal((nameof(ShipmentCreated), 1), (type, version));
    }

    [Fact]
    public async Task Create_SameOrderConcurrently_MakesOneShipment()
    {
        var request = NewShipment();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => fixture.Client.PostAsJsonAsync("/shipments", request, CommerceJson.Options)));
        var shipments = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<ShipmentResponse>(CommerceJson.Options)));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, r.StatusCode.ToString()));
        Assert.Single(shipments.Select(s => s!.Id).Distinct());
        Assert.Equal(1, await fixture.Sql.CountAsync("shipping.shipments", $"order_id = '{request.OrderId}'"));
        Assert.Single(await fixture.Sql.EventsAsync("shipping", shipments[0]!.Id));
    }

    /// <summary>
    /// The defect this guards: a shipment created first for an order, with another address, used to be answered (200)
    /// to the saga's own create, which adopted it and sent the goods there.
    /// </summary>
    [Fact]
    public async Task Create_SameOrderWithOtherAddressOrItems_Returns409AndChangesNothing()
    {
        var request = NewShipment();
        var first = await api.CreateShipmentAsync(request);
        var before = await CountsAsync();

        CreateShipmentRequest[] others =
        [
            request with { Address = Address() with { Line1 = "1 Elsewhere Road" } },
            request with { Address = Address() with { Region = "Greater London" } },
            request with { Items = [request.Items[0]] },
            request with { Items = [request.Items[0] with { Quantity = 3 }, request.Items[1]] },
            request with { Items = [request.Items[0] with { Sku = "SKU-X" }, request.Items[1]] },
        ];
        var responses = new List<HttpResponseMessage>();
        foreach (var other in others)
        {
            responses.Add(await fixture.Client.PostAsJsonAsync("/shipments", other, CommerceJson.Options));
        }

        // The identical request, however often it comes, stays idempotent: the same shipment, nothing new.
        var again = await api.CreateShipmentAsync(request with { Address = Address() with { Recipient = "  Ada Lovelace " } });

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.All(responses, r => Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType));
        Assert.Equal(before, await CountsAsync());
        Assert.Equal(first.Id, again.Id);
        var kept = await api.GetShipmentForOrderAsync(request.OrderId);
        Assert.Equal((request.Address, first.TrackingNumber, 1), (kept.Address, kept.TrackingNumber, kept.Version));
        Assert.Equal(request.Items, kept.Items);
    }

    [Fact]
    public async Task Create_SameOrderConcurrentlyWithTwoAddresses_OneShipmentAndTheOtherAddressGets409()
    {
        var request = NewShipment();
        var other = request with { Address = Address() with { Line1 = "1 Elsewhere Road" } };

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            fixture.Client.PostAsJsonAsync("/shipments", i % 2 == 0 ? request : other, CommerceJson.Options)));

        var kept = await api.GetShipmentForOrderAsync(request.OrderId);
        var winner = kept.Address == request.Address ? request : other;
        for (var i = 0; i < responses.Length; i++)
        {
            var sent = i % 2 == 0 ? request : other;
            Assert.True(
                sent == winner ? responses[i].StatusCode is HttpStatusCode.Created or HttpStatusCode.OK : responses[i].StatusCode == HttpStatusCode.Conflict,
                $"request {i} ({(sent == winner ? "the kept address" : "the other address")}) answered {responses[i].StatusCode}");
        }

        Assert.Equal(1, await fixture.Sql.CountAsync("shipping.shipments", $"order_id = '{request.OrderId}'"));
        Assert.Single(await fixture.Sql.EventsAsync("shipping", kept.Id));
    }

    [Fact]
    public async Task Create_UndeliverableAddress_Returns422AndWritesNothing()
    {
        var before = await CountsAsync();
        var request = NewShipment() with { Address = Address() with { PostalCode = TestAddresses.UndeliverablePostalCode } };

        var response = await fixture.Client.PostAsJsonAsync("/shipments", request, CommerceJson.Options);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Create_CarrierDown_Returns503ThenSucceedsOnRetry()
    {
        var request = NewShipment();
        var before = await CountsAsync();

        await api.SetCarrierOutageAsync(new CarrierOutageRequest(true));
        HttpResponseMessage during;
        try
        {
            during = await fixture.Client.PostAsJsonAsync("/shipments", request, CommerceJson.Options);
        }
        finally
        {
            await api.SetCarrierOutageAsync(new CarrierOutageRequest(false));
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal(before, await CountsAsync());
        Assert.Equal(ShipmentStatus.LabelCreated, (await api.CreateShipmentAsync(request)).Status);
    }

    [Theory]
    [InlineData("""{"orderId":"00000000-0000-0000-0000-000000000000","address":{"recipient":"A","line1":"L","city":"C","postalCode":"1","country":"US"},"items":[{"productId":"5d7c1f7e-0000-4000-8000-000000000001","sku":"S","quantity":1}]}""", "orderId")]
    [InlineData("""{"orderId":"5d7c1f7e-0000-4000-8000-000000000009","address":{"recipient":"A","line1":"L","city":"C","postalCode":"1","country":"USA"},"items":[{"productId":"5d7c1f7e-0000-4000-8000-000000000001","sku":"S","quantity":1}]}""", "address.country")]
    [InlineData("""{"orderId":"5d7c1f7e-0000-4000-8000-000000000009","address":{"recipient":"A","line1":"L","city":"C","postalCode":"1","country":"US"},"items":[]}""", "items")]
    [InlineData("""{"orderId":"5d7c1f7e-0000-4000-8000-000000000009","address":{"recipient":"A","line1":"L","city":"C","postalCode":"1","country":"US"},"items":[{"productId":"5d7c1f7e-0000-4000-8000-000000000001","sku":"S","quantity":0}]}""", "items[0].quantity")]
    [InlineData("""{"orderId":"5d7c1f7e-0000-4000-8000-000000000009","items":[]}""", "address")]
    public async Task Create_InvalidInput_Returns400AndWritesNothing(string body, string field)
    {
        var before = await CountsAsync();

        var response = await fixture.Client.PostAsync("/shipments", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!.Errors.Keys);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Webhook_InTransitThenDelivered_AdvancesAndWritesOneEventPerVersion()
    {
        var shipment = await api.CreateShipmentAsync(NewShipment());

        var inTransit = await api.PushTrackingUpdateAsync(Update(shipment, ShipmentStatus.InTransit));
        var delivered = await api.PushTrackingUpdateAsync(Update(shipment, ShipmentStatus.Delivered));

        Assert.Equal((ShipmentStatus.InTransit, 2), (inTransit.Status, inTransit.Version));
        Assert.Equal((ShipmentStatus.Delivered, 3), (delivered.Status, delivered.Version));
        Assert.NotNull(delivered.DeliveredAt);
        Assert.Equal([ShipmentStatus.LabelCreated, ShipmentStatus.InTransit, ShipmentStatus.Delivered], delivered.TrackingEvents.Select(t => t.Status));
        var events = await fixture.Sql.EventsAsync("shipping", shipment.Id);
        Assert.Equal([nameof(ShipmentCreated), nameof(TrackingUpdated), nameof(ShipmentDelivered)], events.Select(e => e.Type));
        Assert.Equal([1, 2, 3], events.Select(e => e.Version));
    }

    [Fact]
    public async Task Webhook_SameCarrierEventTwice_AppliedOnce()
    {
        var shipment = await api.CreateShipmentAsync(NewShipment());
        var update = Update(shipment, ShipmentStatus.InTransit);

        await Task.WhenAll(api.PushTrackingUpdateAsync(update), api.PushTrackingUpdateAsync(update));
        var again = await api.PushTrackingUpdateAsync(update);

        Assert.Equal(2, again.Version);
        Assert.Equal(2, again.TrackingEvents.Count);
        Assert.Equal(2, (await fixture.Sql.EventsAsync("shipping", shipment.Id)).Count);
    }

    [Fact]
    public async Task Webhook_OlderUpdateAfterNewer_IsIgnored()
    {
        var shipment = await api.CreateShipmentAsync(NewShipment());

        await api.PushTrackingUpdateAsync(Update(shipment, ShipmentStatus.Delivered));
        var late = await api.PushTrackingUpdateAsync(Update(shipment, ShipmentStatus.InTransit));

        Assert.Equal((ShipmentStatus.Delivered, 2), (late.Status, late.Version));
        Assert.Equal([nameof(ShipmentCreated), nameof(ShipmentDelivered)], (await fixture.Sql.EventsAsync("shipping", shipment.Id)).Select(e => e.Type));
    }

    [Fact]
    public async Task Webhook_UnknownTrackingNumber_Returns404_AndUnknownShipmentIs404()
    {
        var webhook = await fixture.Carrier.PostAsJsonAsync("/shipments/carrier/webhook",
            new CarrierTrackingUpdate(Guid.NewGuid(), "NOPE", ShipmentStatus.InTransit, null, DateTimeOffset.UtcNow), CommerceJson.Options);
        var get = await fixture.Client.GetAsync($"/shipments/{Guid.NewGuid()}");
        var byOrder = await fixture.Client.GetAsync($"/shipments/by-order/{Guid.NewGuid()}");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound), (webhook.StatusCode, get.StatusCode, byOrder.StatusCode));
    }

    private async Task<(long, long, long)> CountsAsync() => (
        await fixture.Sql.CountAsync("shipping.shipments"),
        await fixture.Sql.CountAsync("shipping.tracking_events"),
        await fixture.Sql.CountAsync("shipping.outbox_messages"));

    internal static CreateShipmentRequest NewShipment() =>
        new(Guid.NewGuid(), Address(), [new ShipmentItem(Guid.NewGuid(), "SKU-1", 2), new ShipmentItem(Guid.NewGuid(), "SKU-2", 1)]);

    private static ShippingAddress Address() => new("Ada Lovelace", "12 St James's Square", "London", "SW1Y 4JH", "GB");

    private static CarrierTrackingUpdate Update(ShipmentResponse shipment, ShipmentStatus status) =>
        new(Guid.NewGuid(), shipment.TrackingNumber, status, "Depot", DateTimeOffset.UtcNow);
}
