using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Commerce.Checkout.Contracts;
using Commerce.Host.Testing;
using Commerce.Order.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Commerce.Shipping.Contracts;
using Commerce.Testing;
using Commerce.Workflows.OrderSaga;
using Temporalio.Api.Enums.V1;

namespace Commerce.Checkout.Tests;

/// <summary>The whole system with a carrier that delivers only when the test calls its webhook, signed.</summary>
public sealed class ManualCarrierSystem : SagaSystem
{
    public const string WebhookSecret = "manual-carrier-system-webhook-secret-0123";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Shipping:Carrier:AutoAdvance"] = "false",
        ["Shipping:Carrier:WebhookSecret"] = WebhookSecret,
    };
}

/// <summary>
/// Shipping's ShipmentDelivered reaches the saga through Checkout's relay (/events/checkout); whatever arrives there,
/// an order completes only on its own shipment's delivery, after it has shipped.
/// </summary>
public sealed class DeliveryRelayTests(ManualCarrierSystem system) : IClassFixture<ManualCarrierSystem>
{
    /// <summary>The defect this guards: a forged ShipmentDelivered for an order completed it, shipped or not.</summary>
    [Fact]
    public async Task Relay_ForgedDeliveriesBeforeAndAfterShipping_OrderCompletesOnlyOnItsCarriersSignedDelivery()
    {
        var order = await system.NewOrderAsync();
        system.Outages.TakeDown("/shipments");
        try
        {
            await system.Checkout.SubmitAsync(order.OrderId, new SubmitCheckoutRequest(order.PaymentMethodId));
            await system.WaitForSagaAsync(order.OrderId, saga => saga.NeedsAttention && saga.FailedStep == SagaSteps.CreateShipment);
            Assert.Equal(InboxOutcome.Processed, await RelayAsync(Forged(order.OrderId, "SIM-FORGED-1")));
            await WaitUntilSignalHandledAsync(order.OrderId, "SIM-FORGED-1");
        }
        finally
        {
            system.Outages.BringUp("/shipments");
        }

        await system.Checkout.RetryAsync(order.OrderId);
        var shipped = await system.WaitForSagaAsync(order.OrderId, saga => saga.CurrentStep == SagaSteps.AwaitDelivery || saga.Stage == SagaStages.Delivered);
        Assert.Equal(SagaStages.Shipped, shipped.Stage);

        // After shipping: another tracking number for this order, and the right one from a publisher other than Shipping.
        var shipment = await system.Shipping.GetShipmentForOrderAsync(order.OrderId);
        Assert.Equal(InboxOutcome.Processed, await RelayAsync(Forged(order.OrderId, "SIM-FORGED-2")));
        await WaitUntilSignalHandledAsync(order.OrderId, "SIM-FORGED-2");
        using (var fromOrder = await system.Http.PostEnvelopeAsync("checkout", Forged(order.OrderId, shipment.TrackingNumber) with { Source = "Order" }))
        {
            // The relay admits Shipping's client alone: Order's own token does not get a delivery past the door.
            Assert.Equal(HttpStatusCode.Forbidden, fromOrder.StatusCode);
        }

        var waiting = await system.Saga(order.OrderId).QueryAsync(saga => saga.GetStatus());
        Assert.Equal((SagaStages.Shipped, SagaSteps.AwaitDelivery), (waiting.Stage, waiting.CurrentStep));
        Assert.Equal(OrderStatus.Shipped, (await system.Orders.GetOrderAsync(order.OrderId)).Status);

        // The carrier's own delivery, through the signed webhook, Shipping's outbox and the relay, completes it.
        using var delivered = await DeliverAsync(shipment);
        var result = await system.Saga(order.OrderId).GetResultAsync();

        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        Assert.Equal(SagaStages.Delivered, result.Outcome);
        Assert.Equal(OrderStatus.Delivered, (await system.Orders.GetOrderAsync(order.OrderId)).Status);
    }

    private static EventEnvelope Forged(Guid orderId, string trackingNumber) =>
        TestSupport.Envelope("Shipping", Guid.NewGuid().ToString(), 3, new ShipmentDelivered(Guid.NewGuid(), orderId, trackingNumber, DateTimeOffset.UtcNow));

    private Task<InboxOutcome> RelayAsync(EventEnvelope envelope) => system.Http.DeliverAsync("checkout", envelope);

    /// <summary>Returns once the saga has a completed workflow task after the delivery signal for <paramref name="trackingNumber"/>.</summary>
    private Task WaitUntilSignalHandledAsync(Guid orderId, string trackingNumber) =>
        Poll.UntilAsync(
            async () =>
            {
                var events = (await system.Saga(orderId).FetchHistoryAsync()).Events.Reverse().ToList();
                var signalled = events.FindIndex(e => e.EventType == EventType.WorkflowExecutionSignaled
                                                      && e.WorkflowExecutionSignaledEventAttributes.Input.Payloads_[0].Data.ToStringUtf8()
                                                          .Contains(trackingNumber, StringComparison.Ordinal));
                return signalled > 0 && events.Take(signalled).Any(e => e.EventType == EventType.WorkflowTaskCompleted);
            },
            TimeSpan.FromSeconds(30));

    private async Task<HttpResponseMessage> DeliverAsync(ShipmentResponse shipment)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new CarrierTrackingUpdate(Guid.NewGuid(), shipment.TrackingNumber, ShipmentStatus.Delivered, "Front door", DateTimeOffset.UtcNow),
            CommerceJson.Options);
        using var request = new HttpRequestMessage(HttpMethod.Post, CarrierSigning.WebhookPath) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(CarrierSigning.Header, CarrierSigning.Signature(ManualCarrierSystem.WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body));
        return await system.Http.SendAsync(request);
    }
}
