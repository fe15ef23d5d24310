using System.Text;
using Commerce.ServiceDefaults;
using Commerce.Shipping.Carrier;
using Commerce.Shipping.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace Commerce.Shipping.Tests;

/// <summary>
/// The simulated carrier advances parcels by itself, quickly, calling the webhook over HTTP as a carrier does; no
/// secret is configured, so in Development the host makes one up for the process.
/// </summary>
public sealed class FastCarrierFixture : ShippingFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Shipping:Carrier:InTransitAfter"] = "00:00:00.050",
        ["Shipping:Carrier:DeliveredAfter"] = "00:00:00.050",
    };
}

public sealed class SimulatedCarrierTests(FastCarrierFixture fixture) : IClassFixture<FastCarrierFixture>
{
    private readonly IShippingApi api = RestService.For<IShippingApi>(
        fixture.Client, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    [Fact]
    public async Task Carrier_PushesInTransitThenDelivered_AndDeliveryIsObservable()
    {
        var carrier = fixture.App.Services.GetRequiredService<SimulatedCarrier>();
        var delivered = new TaskCompletionSource<CarrierTrackingUpdate>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The only shipment this class creates, so any "delivered" push is its own (and may come before Create returns).
        void OnPushed(CarrierTrackingUpdate update)
        {
            if (update.Status == ShipmentStatus.Delivered)
            {
                delivered.TrySetResult(update);
            }
        }

        ShipmentResponse shipment;
        carrier.Pushed += OnPushed;
        try
        {
            shipment = await api.CreateShipmentAsync(ShipmentTests.NewShipment());
            Assert.Equal(shipment.TrackingNumber, (await delivered.Task.WaitAsync(TimeSpan.FromSeconds(20))).TrackingNumber);
        }
        finally
        {
            carrier.Pushed -= OnPushed;
        }

        var read = await api.GetShipmentAsync(shipment.Id);
        Assert.Equal(ShipmentStatus.Delivered, read.Status);
        Assert.Equal([ShipmentStatus.LabelCreated, ShipmentStatus.InTransit, ShipmentStatus.Delivered], read.TrackingEvents.Select(t => t.Status));
        Assert.Equal(nameof(ShipmentDelivered), (await fixture.Sql.EventsAsync("shipping", shipment.Id)).Last().Type);
        // Both pushes came through the webhook, signed with the secret the process generated: the webhook kept each signature.
        Assert.Equal(2, await fixture.Sql.CountAsync("shipping.accepted_webhook_signatures"));
    }

    [Fact]
    public void Secret_NoneConfiguredInDevelopment_OneIsGeneratedForTheProcessAndSaidSoButNeverLogged()
    {
        var secret = Encoding.UTF8.GetString(fixture.App.Services.GetRequiredService<CarrierWebhookSecret>().Key.Span);

        Assert.True(secret.Length >= CarrierWebhookSecret.MinimumLength);
        Assert.Contains(fixture.Logs, line => line.Contains("Shipping:Carrier:WebhookSecret", StringComparison.Ordinal)
                                              && line.Contains("generated", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(fixture.Logs, line => line.Contains(secret, StringComparison.Ordinal));
    }
}
