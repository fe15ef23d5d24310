using System.Net;
using Commerce.Activities;
using Commerce.Checkout.Contracts;
using Commerce.Inventory.Contracts;
using Commerce.Inventory.Reservations;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Shipping.Contracts;
using Commerce.Workflows.OrderSaga;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Checkout.Tests;

/// <summary>The same system on a time-skipping Temporal, so the 15-minute reservation window passes in seconds.</summary>
public sealed class TimeSkippingSagaSystem : SagaSystem
{
    protected override bool TimeSkipping => true;
}

public sealed class ReservationWindowTests(TimeSkippingSagaSystem system) : IClassFixture<TimeSkippingSagaSystem>
{
    [Fact]
    public async Task GatewayOutageOutlastingTheReservation_ReleasesStockAndCancelsAfter15VirtualMinutes()
    {
        var order = await system.NewOrderAsync(stock: 3, quantity: 3);
        await system.Payments.SetGatewayOutageAsync(new GatewayOutageRequest(true));
        try
        {
            var started = system.Temporal.Offline.UtcNow;
            var submitted = await system.Checkout.SubmitAsync(order.OrderId, new SubmitCheckoutRequest(order.PaymentMethodId));
            var result = await system.Saga(order.OrderId).GetResultAsync();

            // The early answer comes when the retries run out: pending, parked for an operator who never comes.
            Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
            Assert.Equal(SagaSteps.AuthorizePayment, submitted.Content?.Saga.FailedStep);
            Assert.Equal(SagaStages.Cancelled, result.Outcome);
            Assert.Contains("reservation expired", result.Reason, StringComparison.OrdinalIgnoreCase);
            Assert.True(system.Temporal.Offline.UtcNow - started >= TimeSpan.FromMinutes(15), "The window is measured in workflow time.");
        }
        finally
        {
            await system.Payments.SetGatewayOutageAsync(new GatewayOutageRequest(false));
        }

        Assert.Equal(0, await system.PaymentTransactionsAsync(order.OrderId, nameof(TransactionKind.Authorize)));
        Assert.Equal(ReservationStatus.Released, (await system.Inventory.GetReservationAsync(InventoryActivities.ReservationKey(order.OrderId))).Status);
        Assert.Equal(3, (await system.Inventory.GetStockAsync(order.Sku)).Available);
        Assert.Equal(OrderStatus.Cancelled, (await system.Orders.GetOrderAsync(order.OrderId)).Status);
    }

    /// <summary>
    /// The defect this guards: Inventory expired a confirmed order's reservation after 15 minutes, so when the carrier
    /// came back fulfil answered 409 and the saga refunded, released and cancelled an order whose parcel was gone.
    /// </summary>
    [Fact]
    public async Task CarrierOutageOutlastingTheReservationAfterConfirmation_DeliversWithOneCaptureAndNoRefund()
    {
        var order = await system.NewOrderAsync(stock: 3, quantity: 2);
        var reservationKey = InventoryActivities.ReservationKey(order.OrderId);
        await system.Shipping.SetCarrierOutageAsync(new CarrierOutageRequest(true));
        try
        {
            var submitted = await system.Checkout.SubmitAsync(order.OrderId, new SubmitCheckoutRequest(order.PaymentMethodId));
            var parked = await system.WaitForSagaAsync(order.OrderId, saga => saga.NeedsAttention);
            Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
            Assert.Equal(SagaSteps.CreateShipment, parked.FailedStep);

            // The carrier stays down past the reservation's 15 minutes; Inventory's own expiry runs meanwhile.
            system.Temporal.Offline.Skip(TimeSpan.FromMinutes(16));
            await system.Host.Services.GetRequiredService<ReservationExpirySweeper>().SweepAsync(CancellationToken.None);
            Assert.Equal(ReservationStatus.Committed, (await system.Inventory.GetReservationAsync(reservationKey)).Status);
        }
        finally
        {
            await system.Shipping.SetCarrierOutageAsync(new CarrierOutageRequest(false));
        }

        await system.Checkout.RetryAsync(order.OrderId);
        var result = await system.Saga(order.OrderId).GetResultAsync();

        Assert.Equal(SagaStages.Delivered, result.Outcome);
        Assert.Equal(1, await system.PaymentTransactionsAsync(order.OrderId, nameof(TransactionKind.Capture)));
        Assert.Equal(0, await system.PaymentTransactionsAsync(order.OrderId, nameof(TransactionKind.Refund)));
        Assert.Equal(PaymentStatus.Captured, Assert.Single(await system.Payments.ListPaymentsAsync(order.OrderId)).Status);
        Assert.Equal(ReservationStatus.Fulfilled, (await system.Inventory.GetReservationAsync(reservationKey)).Status);
        var stock = await system.Inventory.GetStockAsync(order.Sku);
        Assert.Equal((1, 0), (stock.OnHand, stock.Reserved));
        Assert.Equal(OrderStatus.Delivered, (await system.Orders.GetOrderAsync(order.OrderId)).Status);
    }
}
