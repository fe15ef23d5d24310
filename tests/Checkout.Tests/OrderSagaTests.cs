using System.Net;
using System.Text;
using Commerce.Activities;
using Commerce.Checkout.Contracts;
using Commerce.Cli;
using Commerce.Inventory.Contracts;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Rules;
using Commerce.Shipping.Contracts;
using Commerce.Workflows.OrderSaga;
using Google.Protobuf;
using Refit;
using Temporalio.Api.Enums.V1;
using Temporalio.Exceptions;
using Temporalio.Testing;

namespace Commerce.Checkout.Tests;

/// <summary>The order saga end to end over HTTP: real contexts, real PostgreSQL, the offline Temporal server in real time.</summary>
public sealed class OrderSagaTests(SagaSystem system) : IClassFixture<SagaSystem>
{
    [Fact]
    public async Task Submit_HappyPath_AcceptedEarlyThenDeliveredWithStockAndMoneyMovedOnce()
    {
        var order = await system.NewOrderAsync(stock: 10, quantity: 2);
        // The customer's own token: Checkout relays it to Order and Payment, the saga's steps carry the worker's.
        var checkout = await system.CheckoutAsCustomerAsync(order);

        var submitted = await checkout.SubmitAsync(order.OrderId, new SubmitCheckoutRequest(order.PaymentMethodId));
        var result = await system.Saga(order.OrderId).GetResultAsync();

        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Equal(SubmissionOutcomes.Accepted, submitted.Content?.Outcome);
        Assert.Equal(SagaStages.Delivered, result.Outcome);
        var view = await checkout.GetAsync(order.OrderId);
        Assert.Equal(nameof(OrderStatus.Delivered), view.OrderStatus);
        Assert.Equal(SagaStages.Delivered, view.Saga?.Stage);
        var stock = await system.Inventory.GetStockAsync(order.Sku);
        Assert.Equal((8, 0), (stock.OnHand, stock.Reserved));
        Assert.Equal(1, await system.PaymentTransactionsAsync(order.OrderId, nameof(TransactionKind.Authorize)));
        Assert.Equal(1, await system.PaymentTransactionsAsync(order.OrderId, nameof(TransactionKind.Capture)));
        Assert.Equal(ShipmentStatus.Delivered, (await system.Shipping.GetShipmentForOrderAsync(order.OrderId)).Status);
    }

    [Fact]
    public async Task Submit_OutOfStock_RejectedEarlyWithNothingCharged()
    {
        var order = await system.NewOrderAsync(stock: 1, quantity: 2);

        var submitted = await system.Checkout.SubmitAsync(order.OrderId, new SubmitCheckoutRequest(order.PaymentMethodId));
        var result = await system.Saga(order.OrderId).GetResultAsync();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, submitted.StatusCode);
        Assert.Equal(SagaStages.Rejected, result.Outcome);
        Assert.Empty(await system.Payments.ListPaymentsAsync(order.OrderId));
        Assert.Equal(OrderStatus.Cancelled, (await system.Orders.GetOrderAsync(order.OrderId)).Status);
        Assert.Equal(1, (await system.Inventory.GetStockAsync(order.Sku)).Available);
    }

    [Fact]
    public async Task Submit_PaymentDeclined_ReservationReleasedOrderCancelledNoCapture()
    {
        var order = await system.NewOrderAsync(stock: 5, quantity: 2, card: TestCards.Declined);

        var submitted = await system.Checkout.SubmitAsync(order.OrderId, new SubmitCheckoutRequest(order.PaymentMethodId));
        var result = await system.Saga(order.OrderId).GetResultAsync();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, submitted.StatusCode);
        Assert.Equal(SagaStages.Rejected, result.Outcome);
        Assert.Equal(0, await system.PaymentTransactionsAsync(order.OrderId, nameof(TransactionKind.Capture)));
        Assert.Equal(ReservationStatus.Released, (await system.Inventory.GetReservationAsync(Activities.InventoryActivities.ReservationKey(order.OrderId))).Status);
        Assert.Equal(5, (await system.Inventory.GetStockAsync(order.Sku)).Available);
        Assert.Equal(OrderStatus.Cancelled, (await system.Orders.GetOrderAsync(order.OrderId)).Status);
    }

    [Fact]
    public async Task Submit_Twice_OneSagaAndOneAuthorization()
    {
        var order = await system.NewOrderAsync();

        var submits = await Task.WhenAll(
            system.Checkout.SubmitAsync(order.OrderId, new SubmitCheckoutRequest(order.PaymentMethodId)),
            system.Checkout.SubmitAsync(order.OrderId, new SubmitCheckoutRequest(order.PaymentMethodId)));
        await system.Saga(order.OrderId).GetResultAsync();
        var again = await system.Checkout.SubmitAsync(order.OrderId, new SubmitCheckoutRequest(order.PaymentMethodId));

        Assert.All(submits, s => Assert.Equal(HttpStatusCode.OK, s.StatusCode));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, await system.PaymentTransactionsAsync(order.OrderId, nameof(TransactionKind.Authorize)));
        Assert.Equal(1, await system.PaymentTransactionsAsync(order.OrderId, nameof(TransactionKind.Capture)));
    }

    [Fact]
    public async Task Cancel_AfterCaptureWhileTheCarrierIsDown_RefundsReleasesAndCancels()
    {
        var order = await system.NewOrderAsync(stock: 4, quantity: 3);
        system.Outages.TakeDown("/shipments");
        try
        {
            await system.Checkout.SubmitAsync(order.OrderId, new SubmitCheckoutRequest(order.PaymentMethodId));
            await system.WaitForSagaAsync(order.OrderId, saga => saga.NeedsAttention);

            var cancelled = await system.Checkout.CancelAsync(order.OrderId, new CancelCheckoutRequest("Customer changed their mind"));
            var result = await system.Saga(order.OrderId).GetResultAsync();

            Assert.NotNull(cancelled.Saga);
            Assert.Equal(SagaStages.Cancelled, result.Outcome);
        }
        finally
        {
            system.Outages.BringUp("/shipments");
        }

        var payment = Assert.Single(await system.Payments.ListPaymentsAsync(order.OrderId));
        Assert.Equal(PaymentStatus.Refunded, payment.Status);
        Assert.Equal(4, (await system.Inventory.GetStockAsync(order.Sku)).Available);
        Assert.Equal(OrderStatus.Cancelled, (await system.Orders.GetOrderAsync(order.OrderId)).Status);
    }

    /// <summary>
    /// The defect this guards: a reason Order refuses, sent past the API straight to the saga, used to fail the order's
    /// cancellation for good (stuck in Compensating) and to leave the card number in the saga's history.
    /// </summary>
    [Fact]
    public async Task Cancel_ThroughTemporalWithAReasonOrderRefuses_UpdateRefusedSignalReplacedOrderCancelledCleanly()
    {
        const string cardNumber = "4111 1111 1111 1111";
        var order = await system.NewOrderAsync();
        var saga = system.Saga(order.OrderId);
        system.Outages.TakeDown("/shipments");
        try
        {
            await system.Checkout.SubmitAsync(order.OrderId, new SubmitCheckoutRequest(order.PaymentMethodId));
            await system.WaitForSagaAsync(order.OrderId, status => status.NeedsAttention);

            foreach (var reason in (string[])[$"refund to {cardNumber}", new string('x', CancelReasons.MaxLength + 1)])
            {
                var refusal = await Assert.ThrowsAsync<WorkflowUpdateFailedException>(() =>
                    saga.ExecuteUpdateAsync(s => s.CancelAsync(new CancelSagaRequest(reason))));
                Assert.Contains("not acceptable", refusal.InnerException?.Message, StringComparison.Ordinal);
            }

            await saga.SignalAsync(s => s.CancelSignalAsync(new CancelSagaRequest($"refund to {cardNumber}")));
            var result = await saga.GetResultAsync();

            Assert.Equal(SagaStages.Cancelled, result.Outcome);
            Assert.DoesNotContain(cardNumber, result.Reason, StringComparison.Ordinal);
        }
        finally
        {
            system.Outages.BringUp("/shipments");
        }

        var cancelled = await system.Orders.GetOrderAsync(order.OrderId);
        Assert.Equal(OrderStatus.Cancelled, cancelled.Status);
        Assert.Equal(PaymentStatus.Refunded, Assert.Single(await system.Payments.ListPaymentsAsync(order.OrderId)).Status);
        // The signal itself is history (signals cannot be refused); nothing the saga wrote may repeat the number.
        var history = await saga.FetchHistoryAsync();
        var holdingTheNumber = history.Events.Where(e => Encoding.UTF8.GetString(e.ToByteArray()).Contains(cardNumber, StringComparison.Ordinal));
        Assert.Equal([EventType.WorkflowExecutionSignaled], holdingTheNumber.Select(e => e.EventType));
    }

    [Fact]
    public async Task Cancel_OrderAlreadyShipped_IsAConflict()
    {
        var order = await system.NewOrderAsync();
        await system.Checkout.SubmitAsync(order.OrderId, new SubmitCheckoutRequest(order.PaymentMethodId));
        await system.WaitForSagaAsync(order.OrderId, saga => saga.Stage is SagaStages.Shipped or SagaStages.Delivered);

        var refusal = await Assert.ThrowsAnyAsync<ApiException>(() =>
            system.Checkout.CancelAsync(order.OrderId, new CancelCheckoutRequest("too late")));

        Assert.Equal(HttpStatusCode.Conflict, refusal.StatusCode);
    }

    [Fact]
    public async Task ContextDownMidSaga_RetriesThenParksThenCliRetryCompletesIt()
    {
        var order = await system.NewOrderAsync();
        system.Outages.TakeDown("/inventory");

        var submitted = await system.Checkout.SubmitAsync(order.OrderId, new SubmitCheckoutRequest(order.PaymentMethodId));

        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        Assert.True(submitted.Content?.Saga.NeedsAttention);
        Assert.Equal(SagaSteps.ReserveInventory, submitted.Content?.Saga.FailedStep);
        var stuck = await system.Checkout.ListAsync(needsAttention: true);
        Assert.Contains(stuck.Items, s => s.OrderId == order.OrderId && s.FailedStep == SagaSteps.ReserveInventory);

        system.Outages.BringUp("/inventory");
        using var output = new StringWriter();
        var exit = await CommerceCommand.RunAsync(
            ["orders", "retry", order.OrderId.ToString(), "--address", system.Temporal.Address, "--namespace", system.Temporal.Namespace],
            new System.CommandLine.InvocationConfiguration { Output = output, Error = output });
        var result = await system.Saga(order.OrderId).GetResultAsync();

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal(SagaStages.Delivered, result.Outcome);
    }

    [Fact]
    public async Task Submit_UnknownOrder_IsNotFound()
    {
        var response = await system.Checkout.SubmitAsync(Guid.NewGuid(), new SubmitCheckoutRequest(Guid.NewGuid()));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Submit_WithoutPaymentMethod_IsAValidationProblemAndStartsNothing()
    {
        var order = await system.NewOrderAsync();

        var response = await system.Checkout.SubmitAsync(order.OrderId, new SubmitCheckoutRequest(Guid.Empty));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null((await system.Checkout.GetAsync(order.OrderId)).Saga);
    }

    [Fact]
    public async Task AuthorizeStep_InputRecordedBeforeItNamedTheCustomer_AsksOrderWhoseOrderItIsAndAuthorizes()
    {
        var order = await system.NewOrderAsync();
        var placed = await system.Orders.GetOrderAsync(order.OrderId);
        var activities = new PaymentActivities(system.Payments, system.Orders);

        var authorization = await new ActivityEnvironment().RunAsync(() => activities.AuthorizePaymentAsync(
            new AuthorizePaymentInput(order.OrderId, order.PaymentMethodId, placed.Total, placed.Currency)));

        Assert.Equal(PaymentStatus.Authorized, (await system.Payments.GetPaymentAsync(authorization.PaymentId)).Status);
    }

    [Fact]
    public async Task AuthorizeStep_AnotherCustomersCard_IsARejectionNotARetry_AndNothingIsCharged()
    {
        var order = await system.NewOrderAsync();
        var someoneElses = await system.NewOrderAsync();
        var placed = await system.Orders.GetOrderAsync(order.OrderId);
        var activities = new PaymentActivities(system.Payments, system.Orders);

        var refusal = await Assert.ThrowsAsync<ApplicationFailureException>(() => new ActivityEnvironment().RunAsync(() =>
            activities.AuthorizePaymentAsync(new AuthorizePaymentInput(order.OrderId, someoneElses.PaymentMethodId, placed.Total, placed.Currency, placed.CustomerId))));

        Assert.Equal((BusinessFailures.PaymentDeclined, true), (refusal.ErrorType, refusal.NonRetryable));
        Assert.Empty(await system.Payments.ListPaymentsAsync(order.OrderId));
    }
}
