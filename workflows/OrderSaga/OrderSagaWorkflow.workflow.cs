using Commerce.Activities;
using Microsoft.Extensions.Logging;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Commerce.Workflows.OrderSaga;

/// <summary>
/// One order from submission to delivery: reserve stock, authorize payment, confirm, capture, ship, await the
/// carrier. Business rejections (out of stock, declined) compensate at once; technical failures that outlast a
/// step's retries park the order for an operator instead of failing the workflow.
/// </summary>
[Workflow]
public sealed class OrderSagaWorkflow
{
    public const string TaskQueue = "commerce-orders";

    private const string ReservationExpiredReason = "The stock reservation expired before the order was confirmed.";

    private readonly List<SagaStepRecord> completedSteps = [];

    // Undo steps, most recent on top. Each is registered before its forward step runs, because a step that is
    // interrupted may still have taken effect at the owner; every undo is a no-op where there is nothing to undo.
    private readonly Stack<string> compensations = new();

    private OrderSagaSettings settings = OrderSagaSettings.Default;
    private Guid orderId;
    private string stage = SagaStages.Submitting;
    private string? currentStep;
    private string? failedStep;
    private string? lastError;
    private bool needsAttention;
    private bool retryRequested;
    private string? abortReason;
    private bool pointOfNoReturn;
    private CancellationTokenSource? activeStep;
    private DateTime? reservationDeadline;
    private CarrierDelivered? delivery;
    private OrderDecision? decision;

    public static string IdFor(Guid orderId) => $"order-{orderId}";

    [WorkflowRun]
    public async Task<OrderSagaResult> RunAsync(OrderSagaInput input)
    {
        settings = input.Settings ?? OrderSagaSettings.Default;
        orderId = input.OrderId;
        try
        {
            await RunForwardAsync(input);
            return new OrderSagaResult(orderId, SagaStages.Delivered, null);
        }
        catch (SagaAbortedException aborted)
        {
            decision ??= new OrderDecision(false, aborted.Reason);
            await CompensateAsync(aborted.Reason);
            var outcome = aborted.Rejected ? SagaStages.Rejected : SagaStages.Cancelled;
            SetStage(outcome);
            return new OrderSagaResult(orderId, outcome, aborted.Reason);
        }
        catch (Exception e) when (TemporalException.IsCanceledException(e) && Workflow.CancellationToken.IsCancellationRequested)
        {
            const string reason = "The saga was cancelled through Temporal.";
            decision ??= new OrderDecision(false, reason);
            if (!pointOfNoReturn)
            {
                await CompensateAsync(reason);
            }

            SetStage(SagaStages.Cancelled);
            throw;
        }
    }

    /// <summary>The early answer for the submitter: returns once the order is accepted, rejected or parked.</summary>
    [WorkflowUpdate]
    public async Task<OrderSagaStatus> WaitForDecisionAsync()
    {
        await Workflow.WaitConditionAsync(() => decision is not null || needsAttention);
        return GetStatus();
    }

    [WorkflowUpdateValidator(nameof(CancelAsync))]
    public void ValidateCancel(CancelOrderRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            throw new ApplicationFailureException("A cancellation needs a reason.", "InvalidArgument");
        }

        if (CancellationRefusal() is { } refusal)
        {
            throw new ApplicationFailureException(refusal, "IllegalState");
        }
    }

    /// <summary>Customer or operator cancellation: interrupts the current step and compensates.</summary>
    [WorkflowUpdate]
    public Task<OrderSagaStatus> CancelAsync(CancelOrderRequest request)
    {
        Interrupt(request.Reason);
        return Task.FromResult(GetStatus());
    }

    [WorkflowUpdateValidator(nameof(RetryAsync))]
    public void ValidateRetry()
    {
        if (!needsAttention)
        {
            throw new ApplicationFailureException("The order is not waiting for an operator.", "IllegalState");
        }
    }

    /// <summary>Operator retry of the parked step, with a fresh retry budget.</summary>
    [WorkflowUpdate]
    public Task<OrderSagaStatus> RetryAsync()
    {
        retryRequested = true;
        return Task.FromResult(GetStatus());
    }

    /// <summary>The same as <see cref="CancelAsync"/> for the Temporal Web UI, which sends signals; ignored when too late.</summary>
    [WorkflowSignal("cancel")]
    public Task CancelSignalAsync(CancelOrderRequest request)
    {
        if (CancellationRefusal() is { } refusal)
        {
            Workflow.Logger.LogWarning("Ignoring cancel signal for order {OrderId}: {Refusal}", orderId, refusal);
        }
        else
        {
            Interrupt(string.IsNullOrWhiteSpace(request.Reason) ? "Cancelled by an operator." : request.Reason);
        }

        return Task.CompletedTask;
    }

    /// <summary>The same as <see cref="RetryAsync"/> for the Temporal Web UI; ignored unless the order is parked.</summary>
    [WorkflowSignal("retry")]
    public Task RetrySignalAsync()
    {
        retryRequested = needsAttention;
        return Task.CompletedTask;
    }

    /// <summary>The carrier's delivered update, relayed from Shipping's ShipmentDelivered event.</summary>
    [WorkflowSignal]
    public Task CarrierDeliveredAsync(CarrierDelivered update)
    {
        delivery ??= update;
        return Task.CompletedTask;
    }

    [WorkflowQuery]
    public OrderSagaStatus GetStatus() =>
        new(orderId, stage, currentStep, needsAttention, failedStep, lastError, decision, completedSteps.ToList());

    private async Task RunForwardAsync(OrderSagaInput input)
    {
        compensations.Push(SagaSteps.CancelOrder);
        var order = await RunStepAsync(SagaSteps.SubmitOrder, options => Workflow.ExecuteActivityAsync(
            (OrderActivities a) => a.MarkOrderSubmittedAsync(new OrderStepInput(orderId)), options));

        compensations.Push(SagaSteps.ReleaseInventory);
        await RunStepAsync(SagaSteps.ReserveInventory, options => Workflow.ExecuteActivityAsync(
            (InventoryActivities a) => a.ReserveStockAsync(new ReserveStockInput(orderId, order.Lines)), options));
        reservationDeadline = Workflow.UtcNow + settings.ReservationWindow;

        compensations.Push(SagaSteps.ReversePayment);
        var authorization = await RunStepAsync(SagaSteps.AuthorizePayment, options => Workflow.ExecuteActivityAsync(
            (PaymentActivities a) => a.AuthorizePaymentAsync(
                new AuthorizePaymentInput(orderId, input.PaymentMethodId, order.Total, order.Currency)), options));
        decision = new OrderDecision(true, null);
        SetStage(SagaStages.Accepted);

        await RunStepAsync(SagaSteps.ConfirmOrder, options => Done(Workflow.ExecuteActivityAsync(
            (OrderActivities a) => a.ConfirmOrderAsync(new OrderStepInput(orderId)), options)));
        reservationDeadline = null;
        SetStage(SagaStages.Confirmed);

        await RunStepAsync(SagaSteps.CapturePayment, options => Done(Workflow.ExecuteActivityAsync(
            (PaymentActivities a) => a.CapturePaymentAsync(new PaymentStepInput(orderId, authorization.PaymentId)), options)));

        await RunStepAsync(SagaSteps.CreateShipment, options => Workflow.ExecuteActivityAsync(
            (ShippingActivities a) => a.CreateShipmentAsync(new OrderStepInput(orderId)), options));

        // The carrier has the parcel: from here on cancellation is refused and nothing is compensated.
        pointOfNoReturn = true;
        await RunStepAsync(SagaSteps.FulfilInventory, options => Done(Workflow.ExecuteActivityAsync(
            (InventoryActivities a) => a.FulfilStockAsync(new OrderStepInput(orderId)), options)));
        await RunStepAsync(SagaSteps.MarkShipped, options => Done(Workflow.ExecuteActivityAsync(
            (OrderActivities a) => a.MarkOrderShippedAsync(new OrderStepInput(orderId)), options)));
        SetStage(SagaStages.Shipped);

        await AwaitDeliveryAsync();
        await RunStepAsync(SagaSteps.CompleteOrder, options => Done(Workflow.ExecuteActivityAsync(
            (OrderActivities a) => a.MarkOrderDeliveredAsync(new OrderStepInput(orderId)), options)));
        SetStage(SagaStages.Delivered);
    }

    private async Task CompensateAsync(string reason)
    {
        SetStage(SagaStages.Compensating);
        while (compensations.TryPop(out var step))
        {
            await RunStepAsync(step, options => step switch
            {
                SagaSteps.ReversePayment => Done(Workflow.ExecuteActivityAsync(
                    (PaymentActivities a) => a.ReversePaymentAsync(new OrderStepInput(orderId)), options)),
                SagaSteps.ReleaseInventory => Done(Workflow.ExecuteActivityAsync(
                    (InventoryActivities a) => a.ReleaseStockAsync(new OrderStepInput(orderId)), options)),
                SagaSteps.CancelOrder => Done(Workflow.ExecuteActivityAsync(
                    (OrderActivities a) => a.CancelOrderAsync(new CancelOrderInput(orderId, reason)), options)),
                _ => throw new InvalidOperationException($"No compensation is known for step {step}."),
            }, compensating: true);
        }
    }

    /// <summary>
    /// Runs one step until it succeeds. A business failure aborts the saga; exhausted retries park it until an
    /// operator says retry (or, for forward steps, cancel). Compensations run detached from workflow cancellation.
    /// </summary>
    private async Task<T> RunStepAsync<T>(string step, Func<ActivityOptions, Task<T>> run, bool compensating = false)
    {
        while (true)
        {
            if (!compensating && reservationDeadline is { } deadline && Workflow.UtcNow >= deadline)
            {
                abortReason ??= ReservationExpiredReason;
            }

            if (!compensating && abortReason is not null)
            {
                throw new SagaAbortedException(abortReason, rejected: false);
            }

            currentStep = step;
            using var cancellation = compensating
                ? new CancellationTokenSource()
                : CancellationTokenSource.CreateLinkedTokenSource(Workflow.CancellationToken);
            activeStep = compensating ? null : cancellation;
            try
            {
                var result = await run(OptionsFor(step, cancellation.Token, compensating));
                completedSteps.Add(new SagaStepRecord(step, Workflow.UtcNow));
                return result;
            }
            catch (ActivityFailureException failure) when (!compensating && BusinessFailureReason(failure) is { } reason)
            {
                throw new SagaAbortedException(reason, rejected: true);
            }
            catch (ActivityFailureException) when (!compensating && !Workflow.CancellationToken.IsCancellationRequested
                                                   && (abortReason is not null || ReservationExpired()))
            {
                throw new SagaAbortedException(abortReason ?? ReservationExpiredReason, rejected: false);
            }
            catch (ActivityFailureException failure) when (compensating || !TemporalException.IsCanceledException(failure))
            {
                await ParkAsync(step, failure, compensating);
            }
            finally
            {
                activeStep = null;
                currentStep = null;
            }
        }
    }

    private ActivityOptions OptionsFor(string step, CancellationToken cancellationToken, bool compensating)
    {
        var options = new ActivityOptions
        {
            StartToCloseTimeout = settings.StepAttemptTimeout,
            RetryPolicy = new()
            {
                InitialInterval = settings.StepInitialRetryInterval,
                BackoffCoefficient = 2,
                MaximumInterval = settings.StepMaximumRetryInterval,
                MaximumAttempts = settings.StepMaxAttempts,
                NonRetryableErrorTypes = BusinessFailures.All,
            },
            CancellationToken = cancellationToken,
            Summary = step,
        };

        // While stock is reserved, no attempt may outlive the reservation: the timeout is the reservation window
        // itself, so the happy path needs no timer of its own.
        if (!compensating && reservationDeadline is { } deadline)
        {
            options.ScheduleToCloseTimeout = deadline - Workflow.UtcNow;
        }

        return options;
    }

    private async Task ParkAsync(string step, Exception failure, bool compensating)
    {
        failedStep = step;
        lastError = (failure.InnerException ?? failure).Message;
        needsAttention = true;
        retryRequested = false;
        UpsertAttention();
        Workflow.Logger.LogWarning(failure, "Order {OrderId} needs attention: step {Step} failed", orderId, step);

        bool Resolved() => retryRequested || (!compensating && abortReason is not null);
        var cancellationToken = compensating ? CancellationToken.None : Workflow.CancellationToken;
        if (!compensating && reservationDeadline is { } deadline)
        {
            var remaining = deadline - Workflow.UtcNow;
            if (remaining <= TimeSpan.Zero || !await Workflow.WaitConditionAsync(Resolved, remaining, cancellationToken))
            {
                abortReason ??= ReservationExpiredReason;
            }
        }
        else
        {
            await Workflow.WaitConditionAsync(Resolved, cancellationToken);
        }

        needsAttention = false;
        failedStep = null;
        retryRequested = false;
        UpsertAttention();
    }

    private async Task AwaitDeliveryAsync()
    {
        currentStep = SagaSteps.AwaitDelivery;
        while (!await Workflow.WaitConditionAsync(() => delivery is not null, settings.DeliveryTimeout))
        {
            failedStep = SagaSteps.AwaitDelivery;
            lastError = $"No delivery update from the carrier within {settings.DeliveryTimeout}.";
            needsAttention = true;
            UpsertAttention();
            await Workflow.WaitConditionAsync(() => retryRequested || delivery is not null);
            needsAttention = false;
            failedStep = null;
            retryRequested = false;
            UpsertAttention();
        }

        completedSteps.Add(new SagaStepRecord(SagaSteps.AwaitDelivery, Workflow.UtcNow));
        currentStep = null;
    }

    private string? CancellationRefusal() =>
        pointOfNoReturn ? "The order has shipped; it can no longer be cancelled."
        : abortReason is not null || decision is { Accepted: false } ? "The order is already being cancelled."
        : null;

    private void Interrupt(string reason)
    {
        abortReason ??= reason;
        activeStep?.Cancel();
    }

    private bool ReservationExpired() => reservationDeadline is { } deadline && Workflow.UtcNow >= deadline;

    private void SetStage(string newStage)
    {
        stage = newStage;
        Workflow.UpsertTypedSearchAttributes(OrderSearchAttributes.OrderStatus.ValueSet(newStage));
    }

    private void UpsertAttention() =>
        Workflow.UpsertTypedSearchAttributes(
            OrderSearchAttributes.NeedsAttention.ValueSet(needsAttention),
            failedStep is null ? OrderSearchAttributes.FailedStep.ValueUnset() : OrderSearchAttributes.FailedStep.ValueSet(failedStep));

    private static string? BusinessFailureReason(ActivityFailureException failure) =>
        failure.InnerException is ApplicationFailureException { ErrorType: { } type } application
        && BusinessFailures.All.Contains(type)
            ? application.Message
            : null;

    private static async Task<bool> Done(Task activity)
    {
        await activity;
        return true;
    }

    /// <summary>Unwinds the forward path; never leaves the workflow.</summary>
    private sealed class SagaAbortedException(string reason, bool rejected) : Exception(reason)
    {
        public string Reason { get; } = reason;

        public bool Rejected { get; } = rejected;
    }
}
