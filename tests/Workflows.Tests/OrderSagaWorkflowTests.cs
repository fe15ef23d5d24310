using Commerce.Activities;
using Commerce.Rules;
using Commerce.SagaTesting;
using Commerce.Testing;
using Commerce.Workflows.OrderSaga;
using Temporalio.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using Temporalio.Worker;

namespace Commerce.Workflows.Tests;

/// <summary>The saga's decisions, with same-named fake activities on the time-skipping offline server.</summary>
public sealed class OrderSagaWorkflowTests(SagaServer server) : IClassFixture<SagaServer>
{
    [Fact]
    public async Task Submit_EverythingSucceeds_AcceptsEarlyThenRunsEveryStepToDelivered()
    {
        await using var harness = SagaHarness.Start(server);
        var order = SagaHarness.NewOrder();

        var decision = await harness.SubmitAsync(order);
        var result = await harness.Handle(order).GetResultAsync();

        Assert.True(decision.Decision?.Accepted);
        Assert.Equal(SagaStages.Delivered, result.Outcome);
        Assert.Equal(
            [
                SagaSteps.SubmitOrder, SagaSteps.ReserveInventory, SagaSteps.AuthorizePayment, SagaSteps.CommitInventory, SagaSteps.ConfirmOrder,
                SagaSteps.CapturePayment, SagaSteps.CreateShipment, SagaSteps.FulfilInventory, SagaSteps.MarkShipped, SagaSteps.CompleteOrder,
            ],
            harness.Owners.Calls);
        var status = await harness.Handle(order).QueryAsync(saga => saga.GetStatus());
        Assert.Equal(SagaStages.Delivered, status.Stage);
        Assert.Contains(status.CompletedSteps, step => step.Step == SagaSteps.AwaitDelivery);
    }

    [Fact]
    public async Task Submit_WithCoupon_ClaimsItsUseBeforeReservingThenRunsToDelivered()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.CouponCode = "SAVE5";
        var order = SagaHarness.NewOrder();

        var decision = await harness.SubmitAsync(order);
        var result = await harness.Handle(order).GetResultAsync();

        Assert.True(decision.Decision?.Accepted);
        Assert.Equal(SagaStages.Delivered, result.Outcome);
        Assert.Equal([SagaSteps.SubmitOrder, SagaSteps.ApplyPromotion, SagaSteps.ReserveInventory], harness.Owners.Calls.Take(3));
        var claim = Assert.Single(harness.Owners.CouponClaims);
        Assert.Equal((order.OrderId, FakeOwners.OrderCustomer, "SAVE5", 5m, "EUR"), (claim.OrderId, claim.CustomerId, claim.CouponCode, claim.Discount, claim.Currency));
        Assert.Equal(0, harness.Owners.CountOf(SagaSteps.ReleasePromotion));
    }

    [Fact]
    public async Task Submit_CouponNoLongerUsable_RejectedBeforeAnythingIsReservedOrCharged()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.CouponCode = "SAVE5";
        harness.Owners.Reject(SagaSteps.ApplyPromotion, BusinessFailures.RuleViolated, "422: Coupon SAVE5 has been used up.");
        var order = SagaHarness.NewOrder();

        var decision = await harness.SubmitAsync(order);
        var result = await harness.Handle(order).GetResultAsync();

        Assert.False(decision.Decision?.Accepted);
        Assert.Contains("used up", decision.Decision?.RejectionReason, StringComparison.Ordinal);
        Assert.Equal(SagaStages.Rejected, result.Outcome);
        Assert.Equal(
            [SagaSteps.SubmitOrder, SagaSteps.ApplyPromotion, SagaSteps.ReleasePromotion, SagaSteps.CancelOrder],
            harness.Owners.Calls);
    }

    [Fact]
    public async Task Cancel_AfterAcceptanceWithCoupon_GivesTheUseBackAfterTheOtherUndos()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.CouponCode = "SAVE5";
        harness.Owners.Hold(SagaSteps.CapturePayment);
        var order = SagaHarness.NewOrder();

        Assert.True((await harness.SubmitAsync(order)).Decision?.Accepted);
        await harness.Handle(order).ExecuteUpdateAsync(saga => saga.CancelAsync(new CancelSagaRequest("Changed my mind")));
        harness.Owners.Release(SagaSteps.CapturePayment);
        var result = await harness.Handle(order).GetResultAsync();

        Assert.Equal(SagaStages.Cancelled, result.Outcome);
        Assert.Equal(
            [SagaSteps.ReversePayment, SagaSteps.ReleaseInventory, SagaSteps.ReleasePromotion, SagaSteps.CancelOrder],
            harness.Owners.Calls.SkipWhile(call => call != SagaSteps.ReversePayment));
    }

    [Fact]
    public async Task Submit_AuthorizesNamingTheCustomerOrderAnsweredFor()
    {
        await using var harness = SagaHarness.Start(server);
        var order = SagaHarness.NewOrder();

        await harness.SubmitAsync(order);
        await harness.Handle(order).GetResultAsync();

        // Order's answer, not the submitter's word: Payment refuses a card that is not this customer's.
        var authorization = Assert.Single(harness.Owners.Authorizations);
        Assert.Equal((order.OrderId, order.PaymentMethodId, FakeOwners.OrderCustomer), (authorization.OrderId, authorization.PaymentMethodId, authorization.CustomerId));
    }

    [Fact]
    public async Task Submit_OutOfStock_RejectedEarlyAndNothingCharged()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.Reject(SagaSteps.ReserveInventory, BusinessFailures.OutOfStock, "SKU-1: 2 requested, 1 available");
        var order = SagaHarness.NewOrder();

        var decision = await harness.SubmitAsync(order);
        var result = await harness.Handle(order).GetResultAsync();

        Assert.False(decision.Decision?.Accepted);
        Assert.Contains("1 available", decision.Decision?.RejectionReason, StringComparison.Ordinal);
        Assert.Equal(SagaStages.Rejected, result.Outcome);
        Assert.Equal(0, harness.Owners.CountOf(SagaSteps.AuthorizePayment));
        Assert.Equal(1, harness.Owners.CountOf(SagaSteps.ReserveInventory));
        Assert.Equal(1, harness.Owners.CountOf(SagaSteps.ReleaseInventory));
        Assert.Equal(1, harness.Owners.CountOf(SagaSteps.CancelOrder));
    }

    [Fact]
    public async Task Submit_PaymentDeclined_ReleasesStockCancelsOrderAndNeverCaptures()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.Reject(SagaSteps.AuthorizePayment, BusinessFailures.PaymentDeclined, "Card declined");
        var order = SagaHarness.NewOrder();

        var decision = await harness.SubmitAsync(order);
        var result = await harness.Handle(order).GetResultAsync();

        Assert.False(decision.Decision?.Accepted);
        Assert.Equal(SagaStages.Rejected, result.Outcome);
        Assert.Equal(0, harness.Owners.CountOf(SagaSteps.CapturePayment));
        Assert.Equal([SagaSteps.ReversePayment, SagaSteps.ReleaseInventory, SagaSteps.CancelOrder], harness.Owners.Calls.Skip(3));
    }

    [Fact]
    public async Task Submit_Twice_OneSagaAndOneAuthorization()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.CarrierDeliversAtOnce = false;
        var order = SagaHarness.NewOrder();

        var first = await harness.SubmitAsync(order);
        var second = await harness.SubmitAsync(order);

        Assert.True(first.Decision?.Accepted);
        Assert.True(second.Decision?.Accepted);
        Assert.Equal(1, harness.Owners.CountOf(SagaSteps.AuthorizePayment));
        Assert.Equal(1, harness.Owners.CountOf(SagaSteps.SubmitOrder));
        await harness.Handle(order).TerminateAsync("test done");
    }

    [Fact]
    public async Task Step_ExhaustsRetries_ParksWithSearchAttributesThenOperatorRetryCompletes()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.FailAlways(SagaSteps.ReserveInventory, "inventory is down");
        var order = SagaHarness.NewOrder();

        var parked = await harness.SubmitAsync(order);

        Assert.True(parked.NeedsAttention);
        Assert.Equal(SagaSteps.ReserveInventory, parked.FailedStep);
        Assert.Contains("inventory is down", parked.LastError, StringComparison.Ordinal);
        Assert.Equal(SagaHarness.FastSettings.StepMaxAttempts, harness.Owners.CountOf(SagaSteps.ReserveInventory));
        var stuck = await ListAsync(harness.Client, $"OrderId = '{order.OrderId}' AND NeedsAttention = true AND FailedStep = 'reserve-inventory'");
        Assert.Single(stuck);

        harness.Owners.Heal(SagaSteps.ReserveInventory);
        await harness.Handle(order).ExecuteUpdateAsync(saga => saga.RetryAsync());
        var result = await harness.Handle(order).GetResultAsync();

        Assert.Equal(SagaStages.Delivered, result.Outcome);
        Assert.Empty(await ListAsync(harness.Client, $"OrderId = '{order.OrderId}' AND NeedsAttention = true"));
    }

    [Fact]
    public async Task Retry_OrderNotStuck_IsRefused()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.CarrierDeliversAtOnce = false;
        var order = SagaHarness.NewOrder();
        await harness.SubmitAsync(order);

        var refusal = await Assert.ThrowsAsync<WorkflowUpdateFailedException>(
            () => harness.Handle(order).ExecuteUpdateAsync(saga => saga.RetryAsync()));

        Assert.Contains("not waiting for an operator", refusal.InnerException?.Message, StringComparison.Ordinal);
        await harness.Handle(order).TerminateAsync("test done");
    }

    [Fact]
    public async Task Cancel_AfterCaptureWhileShippingIsStuck_RefundsReleasesAndCancels()
    {
        await using var harness = SagaHarness.Start(server);
        var order = await harness.SubmitParkedAtAsync(SagaSteps.CreateShipment);

        await harness.Handle(order).ExecuteUpdateAsync(saga => saga.CancelAsync(new CancelSagaRequest("Customer changed their mind")));
        var result = await harness.Handle(order).GetResultAsync();

        Assert.Equal(SagaStages.Cancelled, result.Outcome);
        Assert.Equal("Customer changed their mind", result.Reason);
        Assert.Equal(1, harness.Owners.CountOf(SagaSteps.CapturePayment));
        Assert.Equal([SagaSteps.ReversePayment, SagaSteps.ReleaseInventory, SagaSteps.CancelOrder], harness.Owners.Calls.TakeLast(3));
    }

    [Fact]
    public async Task Cancel_AfterShipment_IsRefused()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.CarrierDeliversAtOnce = false;
        var order = SagaHarness.NewOrder();
        await harness.SubmitAsync(order);
        await harness.WaitForStatusAsync(order, status => status.Stage == SagaStages.Shipped);

        var refusal = await Assert.ThrowsAsync<WorkflowUpdateFailedException>(() =>
            harness.Handle(order).ExecuteUpdateAsync(saga => saga.CancelAsync(new CancelSagaRequest("too late"))));

        Assert.Contains("shipped", refusal.InnerException?.Message, StringComparison.Ordinal);
        Assert.Equal(0, harness.Owners.CountOf(SagaSteps.ReversePayment));
        await harness.Handle(order).TerminateAsync("test done");
    }

    [Fact]
    public async Task Payment_RetryingPastTheReservationWindow_ReleasesAndCancels()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.FailAlways(SagaSteps.AuthorizePayment, "gateway outage");
        var order = SagaHarness.NewOrder(SagaHarness.FastSettings with { StepMaxAttempts = 1000 });

        var started = DateTime.UtcNow;
        await harness.SubmitAsync(order);
        var result = await harness.Handle(order).GetResultAsync();

        Assert.Equal(SagaStages.Cancelled, result.Outcome);
        Assert.Contains("reservation expired", result.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal([SagaSteps.ReversePayment, SagaSteps.ReleaseInventory, SagaSteps.CancelOrder], harness.Owners.Calls.TakeLast(3));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15), "15 virtual minutes should take seconds of wall time.");
    }

    [Fact]
    public async Task ReservationWindow_EndsAtTheExpiresAtInventoryReturned()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.ReservationLifetime = TimeSpan.FromMinutes(5);
        harness.Owners.FailAlways(SagaSteps.AuthorizePayment, "gateway outage");
        var order = SagaHarness.NewOrder(SagaHarness.FastSettings with { StepMaxAttempts = 1000 });

        await harness.SubmitAsync(order);
        var result = await harness.Handle(order).GetResultAsync();

        Assert.Equal(SagaStages.Cancelled, result.Outcome);
        Assert.Contains("reservation expired", result.Reason, StringComparison.OrdinalIgnoreCase);
        // In workflow time, from the reservation to the first undo: Inventory's 5 minutes, not a 15-minute window of the saga's own.
        var events = (await harness.Handle(order).FetchHistoryAsync()).Events;
        var scheduled = events.Where(e => e.ActivityTaskScheduledEventAttributes is not null)
            .Select(e => (e.ActivityTaskScheduledEventAttributes.ActivityType.Name, Time: e.EventTime.ToDateTime())).ToList();
        var reserving = scheduled.First(s => s.Name == SagaSteps.ReserveInventory).Time;
        var undoing = scheduled.First(s => s.Name == SagaSteps.ReversePayment).Time;
        Assert.InRange(undoing - reserving, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(6));
    }

    [Theory]
    [InlineData(SagaSteps.CapturePayment)]
    [InlineData(SagaSteps.CreateShipment)]
    [InlineData(SagaSteps.FulfilInventory)]
    [InlineData(SagaSteps.MarkShipped)]
    [InlineData(SagaSteps.CompleteOrder)]
    public async Task Step_RefusedAfterConfirmation_ParksAndNeverCompensates(string step)
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.Reject(step, BusinessFailures.RuleViolated, "409: Reservation is Expired; it cannot become Fulfilled.");
        var order = SagaHarness.NewOrder();

        await harness.SubmitAsync(order);
        var parked = await harness.WaitForStatusAsync(order, status => status.NeedsAttention);

        Assert.Equal(step, parked.FailedStep);
        Assert.Contains("409", parked.LastError, StringComparison.Ordinal);
        harness.Owners.Heal(step);
        await harness.Handle(order).ExecuteUpdateAsync(saga => saga.RetryAsync());
        var result = await harness.Handle(order).GetResultAsync();

        Assert.Equal(SagaStages.Delivered, result.Outcome);
        Assert.Equal(1, harness.Owners.CountOf(SagaSteps.CommitInventory));
        Assert.Equal(0, harness.Owners.CountOf(SagaSteps.ReversePayment) + harness.Owners.CountOf(SagaSteps.ReleaseInventory)
                        + harness.Owners.CountOf(SagaSteps.CancelOrder));
    }

    [Fact]
    public async Task Confirm_ParkedUntilTheReservationWindowCloses_ReleasesAndCancels()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.FailAlways(SagaSteps.ConfirmOrder, "order service is down");
        var order = SagaHarness.NewOrder();

        await harness.SubmitAsync(order);
        var result = await harness.Handle(order).GetResultAsync();

        Assert.Equal(SagaStages.Cancelled, result.Outcome);
        Assert.Contains("reservation expired", result.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(SagaHarness.FastSettings.StepMaxAttempts, harness.Owners.CountOf(SagaSteps.ConfirmOrder));
        Assert.Equal([SagaSteps.ReversePayment, SagaSteps.ReleaseInventory, SagaSteps.CancelOrder], harness.Owners.Calls.TakeLast(3));
    }

    [Fact]
    public async Task Workflow_CancelledThroughTemporal_StillCompensates()
    {
        await using var harness = SagaHarness.Start(server);
        var order = await harness.SubmitParkedAtAsync(SagaSteps.CapturePayment);

        await harness.Handle(order).CancelAsync();
        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => harness.Handle(order).GetResultAsync());

        Assert.IsType<CanceledFailureException>(failure.InnerException);
        Assert.Equal([SagaSteps.ReversePayment, SagaSteps.ReleaseInventory, SagaSteps.CancelOrder], harness.Owners.Calls.TakeLast(3));
    }

    [Fact]
    public async Task Compensation_KeepsFailing_ParksUntilOperatorRetries()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.Reject(SagaSteps.AuthorizePayment, BusinessFailures.PaymentDeclined, "Card declined");
        harness.Owners.FailAlways(SagaSteps.ReleaseInventory, "inventory is down");
        var order = SagaHarness.NewOrder();

        await harness.SubmitAsync(order);
        var parked = await harness.WaitForStatusAsync(order, status => status.NeedsAttention);
        Assert.Equal(SagaSteps.ReleaseInventory, parked.FailedStep);
        Assert.Equal(SagaStages.Compensating, parked.Stage);

        harness.Owners.Heal(SagaSteps.ReleaseInventory);
        await harness.Handle(order).ExecuteUpdateAsync(saga => saga.RetryAsync());
        var result = await harness.Handle(order).GetResultAsync();

        Assert.Equal(SagaStages.Rejected, result.Outcome);
        Assert.Equal(1, harness.Owners.CountOf(SagaSteps.CancelOrder));
    }

    [Fact]
    public async Task CancelSignal_ReasonOrderWouldRefuse_CancelsWithAFixedReasonOrderAccepts()
    {
        await using var harness = SagaHarness.Start(server);
        var order = await harness.SubmitParkedAtAsync(SagaSteps.CreateShipment);

        await harness.Handle(order).SignalAsync(saga => saga.CancelSignalAsync(new CancelSagaRequest(new string('x', CancelReasons.MaxLength + 1))));
        var result = await harness.Handle(order).GetResultAsync();

        Assert.Equal(SagaStages.Cancelled, result.Outcome);
        var sent = Assert.Single(harness.Owners.ReasonsSentToOrder);
        Assert.Null(CancelReasons.Problem(sent));
        Assert.Equal(sent, result.Reason);
    }

    [Fact]
    public async Task CancelUpdate_BlankReason_IsRefusedAndTheSagaCarriesOn()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.CarrierDeliversAtOnce = false;
        var order = SagaHarness.NewOrder();
        await harness.SubmitAsync(order);

        var refusal = await Assert.ThrowsAsync<WorkflowUpdateFailedException>(() =>
            harness.Handle(order).ExecuteUpdateAsync(saga => saga.CancelAsync(new CancelSagaRequest(" "))));

        Assert.Contains("Required", refusal.InnerException?.Message, StringComparison.Ordinal);
        Assert.Empty(harness.Owners.ReasonsSentToOrder);
        await harness.Handle(order).TerminateAsync("test done");
    }

    /// <summary>The defect this guards: any delivery signal, before shipping and for any tracking number, completed the order.</summary>
    [Fact]
    public async Task CarrierDelivered_BeforeTheOrderShippedForAnotherTrackingNumber_IsIgnoredAndTheSagaWaitsForItsOwn()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.CarrierDeliversAtOnce = false;
        var order = await harness.SubmitParkedAtAsync(SagaSteps.CreateShipment);

        await SignalDeliveryAsync(harness, order, "FORGED-1");
        harness.Owners.Heal(SagaSteps.CreateShipment);
        await harness.Handle(order).ExecuteUpdateAsync(saga => saga.RetryAsync());
        var shipped = await harness.WaitForStatusAsync(order, status => status.CurrentStep == SagaSteps.AwaitDelivery || status.Stage == SagaStages.Delivered);

        Assert.Equal((SagaStages.Shipped, SagaSteps.AwaitDelivery), (shipped.Stage, shipped.CurrentStep));
        Assert.Equal(0, harness.Owners.CountOf(SagaSteps.CompleteOrder));
        await SignalDeliveryAsync(harness, order, FakeOwners.TrackingNumber);
        Assert.Equal(SagaStages.Delivered, (await harness.Handle(order).GetResultAsync()).Outcome);
    }

    [Fact]
    public async Task CarrierDelivered_AfterShippingForAnotherTrackingNumber_IsIgnoredAndTheSagaWaitsForItsOwn()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.CarrierDeliversAtOnce = false;
        var order = SagaHarness.NewOrder();
        await harness.SubmitAsync(order);
        await harness.WaitForStatusAsync(order, status => status.CurrentStep == SagaSteps.AwaitDelivery);

        await SignalDeliveryAsync(harness, order, "SOMEONE-ELSES-1");
        var status = await harness.Handle(order).QueryAsync(saga => saga.GetStatus());

        Assert.Equal((SagaStages.Shipped, SagaSteps.AwaitDelivery), (status.Stage, status.CurrentStep));
        Assert.Equal(0, harness.Owners.CountOf(SagaSteps.CompleteOrder));
        await SignalDeliveryAsync(harness, order, FakeOwners.TrackingNumber);
        Assert.Equal(SagaStages.Delivered, (await harness.Handle(order).GetResultAsync()).Outcome);
        Assert.Equal(1, harness.Owners.CountOf(SagaSteps.CompleteOrder));
    }

    /// <summary>
    /// A fast carrier's delivery can reach the saga before the create-shipment result it belongs to (the label is bought,
    /// the carrier pushes, the activity's answer is still on its way): it is held, not lost, and counts once the saga
    /// knows the shipment is its own and has shipped.
    /// </summary>
    [Fact]
    public async Task CarrierDelivered_ForItsOwnShipmentBeforeTheSagaKnowsIt_CountsOnceShipped()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.CarrierDeliversAtOnce = false;
        var order = await harness.SubmitParkedAtAsync(SagaSteps.CreateShipment);

        await SignalDeliveryAsync(harness, order, FakeOwners.TrackingNumber);
        harness.Owners.Heal(SagaSteps.CreateShipment);
        await harness.Handle(order).ExecuteUpdateAsync(saga => saga.RetryAsync());

        Assert.Equal(SagaStages.Delivered, (await harness.Handle(order).GetResultAsync()).Outcome);
        Assert.Equal(
            [SagaSteps.CreateShipment, SagaSteps.FulfilInventory, SagaSteps.MarkShipped, SagaSteps.CompleteOrder],
            harness.Owners.Calls.TakeLast(4));
    }

    [Fact]
    public void Activities_AreNamedAfterTheirSteps()
    {
        // The saga's activities; the data-subject workflow's are named after what they do to a context.
        var names = typeof(OrderActivities).Assembly.GetTypes().Where(type => type != typeof(DataSubjectActivities))
            .SelectMany(type => type.GetMethods())
            .Where(method => method.IsDefined(typeof(ActivityAttribute), inherit: false))
            .Select(method => ActivityDefinition.Create(method, _ => null).Name);

        // The steps that existed before the rename, plus those added since.
        string[] steps = [.. SagaSteps.FormerActivityNames.Keys, SagaSteps.CommitInventory, SagaSteps.ApplyPromotion, SagaSteps.ReleasePromotion];
        Assert.Equal(steps.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Worker_FormerActivityNames_RunTheSameActivityForSagasStartedBeforeTheRename()
    {
        var owners = new FakeOwners(server.Client);
        var options = new TemporalWorkerOptions("names").AddAllActivities(owners).AddFormerActivityNames();

        foreach (var (step, former) in SagaSteps.FormerActivityNames)
        {
            Assert.Contains(options.Activities, activity => activity.Name == step);
            Assert.Contains(options.Activities, activity => activity.Name == former);
        }

        var reserveStock = options.Activities.Single(activity => activity.Name == SagaSteps.FormerActivityNames[SagaSteps.ReserveInventory]);
        await reserveStock.InvokeAsync([new ReserveStockInput(Guid.NewGuid(), FakeOwners.Lines)]);
        Assert.Equal([SagaSteps.ReserveInventory], owners.Calls);
    }

    /// <summary>Signals a delivery and returns once the saga has handled it (a workflow task completed after the signal).</summary>
    private static async Task SignalDeliveryAsync(SagaHarness harness, OrderSagaInput order, string trackingNumber)
    {
        var saga = harness.Handle(order);
        await saga.SignalAsync(s => s.CarrierDeliveredAsync(new CarrierDelivered(trackingNumber, DateTimeOffset.UtcNow)));
        await Poll.UntilAsync(
            async () =>
            {
                var events = (await saga.FetchHistoryAsync()).Events.Reverse().ToList();
                var signalled = events.FindIndex(e => e.EventType == EventType.WorkflowExecutionSignaled
                                                      && e.WorkflowExecutionSignaledEventAttributes.Input.Payloads_[0].Data.ToStringUtf8().Contains(trackingNumber, StringComparison.Ordinal));
                return signalled > 0 && events.Take(signalled).Any(e => e.EventType is EventType.WorkflowTaskCompleted or EventType.WorkflowExecutionCompleted);
            },
            TimeSpan.FromSeconds(20));
    }

    private static async Task<List<WorkflowExecution>> ListAsync(ITemporalClient client, string query)
    {
        var found = new List<WorkflowExecution>();
        await foreach (var execution in client.ListWorkflowsAsync(query))
        {
            found.Add(execution);
        }

        return found;
    }
}
