using System.Collections.Concurrent;
using System.Net.Http.Json;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;
using Commerce.Shipping.Carrier;
using Commerce.Shipping.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Shipping.Tests;

/// <summary>Records every label the carrier answers with, by order (a repeated answer is the same label).</summary>
public sealed class LabelRecordingFixture : ShippingFixture
{
    public ConcurrentQueue<(Guid OrderId, CarrierLabel Label)> Labels { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings { get; } =
        new Dictionary<string, string?> { ["Shipping:Carrier:AutoAdvance"] = "false" };

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<ICarrier>(sp => new LabelRecorder(sp.GetRequiredService<SimulatedCarrier>(), Labels));

    private sealed class LabelRecorder(ICarrier carrier, ConcurrentQueue<(Guid, CarrierLabel)> labels) : ICarrier
    {
        public async Task<CarrierLabel> CreateLabelAsync(
            string idempotencyKey, Guid orderId, ShippingAddress address, int parcels, CancellationToken cancellationToken)
        {
            var label = await carrier.CreateLabelAsync(idempotencyKey, orderId, address, parcels, cancellationToken);
            labels.Enqueue((orderId, label));
            return label;
        }
    }
}

public sealed class CarrierLabelTests(LabelRecordingFixture fixture) : IClassFixture<LabelRecordingFixture>
{
    [Fact]
    public async Task Create_SameOrderConcurrently_BuysOneLabelAtTheCarrier()
    {
        var request = ShipmentTests.NewShipment();
        // The saga worker's retried create-shipment activity, the one caller that ships orders.
        using var worker = await fixture.App.ClientAsAsync(Clients.SagaWorker);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => worker.PostAsJsonAsync("/shipments", request, CommerceJson.Options)));
        var shipments = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<ShipmentResponse>(CommerceJson.Options)));

        // A loser of the race for the shipment row must not leave a paid label (and its tracking pushes) behind.
        var shipment = Assert.Single(shipments.DistinctBy(s => s!.Id))!;
        var issued = fixture.Labels.Where(l => l.OrderId == request.OrderId).Select(l => l.Label.TrackingNumber).Distinct();
        Assert.Equal(shipment.TrackingNumber, Assert.Single(issued));
        Assert.Equal(1, await fixture.Sql.CountAsync("shipping.shipments", $"order_id = '{request.OrderId}'"));
    }
}
