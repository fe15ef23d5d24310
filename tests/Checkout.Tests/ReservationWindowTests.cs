using System.Net;
using Commerce.Checkout.Contracts;
using Commerce.Inventory.Contracts;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Workflows.OrderSaga;

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
        Assert.Equal(ReservationStatus.Released, (await system.Inventory.GetReservationAsync(Activities.InventoryActivities.ReservationKey(order.OrderId))).Status);
        Assert.Equal(3, (await system.Inventory.GetStockAsync(order.Sku)).Available);
        Assert.Equal(OrderStatus.Cancelled, (await system.Orders.GetOrderAsync(order.OrderId)).Status);
    }
}
