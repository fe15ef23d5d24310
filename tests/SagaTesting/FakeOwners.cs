using System.Collections.Concurrent;
using Commerce.Activities;
using Commerce.Workflows.OrderSaga;
using Temporalio.Activities;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Commerce.SagaTesting;

/// <summary>
/// Same-named stand-ins for the saga's activities, for tests about the workflow's decisions rather than the
/// services. Each records its calls; a test scripts failures per step.
/// </summary>
public sealed class FakeOwners(ITemporalClient client)
{
    private readonly ConcurrentDictionary<string, Func<Exception?>> failures = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> holds = new();

    /// <summary>Activities called, by name (= step name), in order.</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    public ConcurrentQueue<string> ReasonsSentToOrder { get; } = new();

    /// <summary>The tracking number of every shipment the fake Shipping creates, and of the fake carrier's deliveries.</summary>
    public const string TrackingNumber = "TRACK-1";

    /// <summary>What the authorize step was asked, attempt by attempt.</summary>
    public ConcurrentQueue<AuthorizePaymentInput> Authorizations { get; } = new();

    /// <summary>The customer the fake Order answers as every submitted order's.</summary>
    public static Guid OrderCustomer { get; } = Guid.Parse("0c7f9d1b-2a01-4d3b-9a55-7f0c4c2e4f0e");

    public static IReadOnlyList<StockLine> Lines { get; } = [new(Guid.Parse("7f0c4c2e-4d3b-4f0e-9a55-0c7f9d1b2a01"), "SKU-1", 2)];

    /// <summary>How long the fake Inventory holds a reservation: the ExpiresAt it answers is this long after the attempt started.</summary>
    public TimeSpan ReservationLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>When set, the carrier "delivers" as soon as the order is marked shipped, as a fast carrier would.</summary>
    public bool CarrierDeliversAtOnce { get; set; } = true;

    /// <summary>When set, the fake Order answers every submitted order as priced with this coupon (a 5.00 discount).</summary>
    public string? CouponCode { get; set; }

    /// <summary>What the apply-promotion step was asked, attempt by attempt.</summary>
    public ConcurrentQueue<ApplyPromotionInput> CouponClaims { get; } = new();

    public int CountOf(string activity) => Calls.Count(call => call == activity);

    /// <summary>Every attempt of <paramref name="activity"/> fails with what <paramref name="failure"/> returns (null: succeeds).</summary>
    public void FailWith(string activity, Func<Exception?> failure) => failures[activity] = failure;

    public void FailAlways(string activity, string message = "service unavailable") =>
        FailWith(activity, () => new HttpRequestException(message));

    public void Reject(string activity, string errorType, string message) =>
        FailWith(activity, () => new ApplicationFailureException(message, errorType, nonRetryable: true));

    public void Heal(string activity) => failures.TryRemove(activity, out _);

    /// <summary>Holds <paramref name="activity"/>'s calls until <see cref="Release"/>: a step still running when the saga is told something.</summary>
    public void Hold(string activity) => holds[activity] = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release(string activity)
    {
        if (holds.TryRemove(activity, out var hold))
        {
            hold.SetResult();
        }
    }

    [Activity(SagaSteps.SubmitOrder)]
    public Task<SubmittedOrder> SubmitOrderAsync(OrderStepInput input) =>
        Run(SagaSteps.SubmitOrder, () => new SubmittedOrder(input.OrderId, OrderCustomer, 42.50m, "EUR", Lines, CouponCode, CouponCode is null ? 0 : 5m));

    [Activity(SagaSteps.ApplyPromotion)]
    public Task ApplyPromotionAsync(ApplyPromotionInput input)
    {
        CouponClaims.Enqueue(input);
        return Run(SagaSteps.ApplyPromotion);
    }

    [Activity(SagaSteps.ReleasePromotion)]
    public Task ReleasePromotionAsync(OrderStepInput input) => Run(SagaSteps.ReleasePromotion);

    /// <summary>
    /// ExpiresAt on the server's clock, as Inventory's would be: virtual time runs ahead of the wall clock (which only
    /// a direct call, outside any activity, falls back to).
    /// </summary>
    [Activity(SagaSteps.ReserveInventory)]
    public Task<StockReservation> ReserveInventoryAsync(ReserveStockInput input) =>
        Run(SagaSteps.ReserveInventory, () => new StockReservation(
            input.OrderId,
            new DateTimeOffset(ActivityExecutionContext.HasCurrent ? ActivityExecutionContext.Current.Info.StartedTime : DateTime.UtcNow, TimeSpan.Zero)
            + ReservationLifetime));

    [Activity(SagaSteps.CommitInventory)]
    public Task CommitInventoryAsync(OrderStepInput input) => Run(SagaSteps.CommitInventory);

    [Activity(SagaSteps.AuthorizePayment)]
    public Task<PaymentAuthorization> AuthorizePaymentAsync(AuthorizePaymentInput input)
    {
        Authorizations.Enqueue(input);
        return Run(SagaSteps.AuthorizePayment, () => new PaymentAuthorization(Guid.NewGuid()));
    }

    [Activity(SagaSteps.ConfirmOrder)]
    public Task ConfirmOrderAsync(OrderStepInput input) => Run(SagaSteps.ConfirmOrder);

    [Activity(SagaSteps.CapturePayment)]
    public Task CapturePaymentAsync(PaymentStepInput input) => Run(SagaSteps.CapturePayment);

    [Activity(SagaSteps.CreateShipment)]
    public Task<ShipmentRecord> CreateShipmentAsync(OrderStepInput input) =>
        Run(SagaSteps.CreateShipment, () => new ShipmentRecord(Guid.NewGuid(), TrackingNumber));

    [Activity(SagaSteps.FulfilInventory)]
    public Task FulfilInventoryAsync(OrderStepInput input) => Run(SagaSteps.FulfilInventory);

    [Activity(SagaSteps.MarkShipped)]
    public async Task MarkShippedAsync(OrderStepInput input)
    {
        await Run(SagaSteps.MarkShipped);
        if (CarrierDeliversAtOnce)
        {
            await client.GetWorkflowHandle<OrderSagaWorkflow>(ActivityExecutionContext.Current.Info.WorkflowId!)
                .SignalAsync(saga => saga.CarrierDeliveredAsync(new CarrierDelivered(TrackingNumber, DateTimeOffset.UtcNow)));
        }
    }

    [Activity(SagaSteps.CompleteOrder)]
    public Task CompleteOrderAsync(OrderStepInput input) => Run(SagaSteps.CompleteOrder);

    [Activity(SagaSteps.ReversePayment)]
    public Task ReversePaymentAsync(OrderStepInput input) => Run(SagaSteps.ReversePayment);

    [Activity(SagaSteps.ReleaseInventory)]
    public Task ReleaseInventoryAsync(OrderStepInput input) => Run(SagaSteps.ReleaseInventory);

    /// <summary>Keeps the reasons it was given, so a test can see what reached Order.</summary>
    [Activity(SagaSteps.CancelOrder)]
    public Task CancelOrderAsync(CancelOrderInput input)
    {
        ReasonsSentToOrder.Enqueue(input.Reason);
        return Run(SagaSteps.CancelOrder);
    }

    private Task Run(string activity) => Run(activity, () => true);

    private async Task<T> Run<T>(string activity, Func<T> result)
    {
        Calls.Enqueue(activity);
        if (holds.TryGetValue(activity, out var hold))
        {
            await hold.Task;
        }

        if (failures.TryGetValue(activity, out var failure) && failure() is { } exception)
        {
            throw exception;
        }

        return result();
    }
}
