using Commerce.Activities;
using Commerce.Rules;
using Microsoft.Extensions.Logging;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Commerce.Workflows.OrderSaga;

/// <summary>
/// One order from submission to delivery: claim its coupon's use, reserve stock, authorize payment, confirm (commit the reservation, confirm
/// the order), capture, ship, await the carrier. Before confirmation, business rejections (out of stock, declined)
/// compensate at once; technical failures that outlast a step's retries park the order for an operator instead of
/// failing the workflow. After confirmation every failure parks: nothing is compensated unless a person cancels.
/// </summary>
[Workflow]
public sealed class OrderSagaWorkflow
{
    public const string TaskQueue = "commerce-orders";

    /// <summary>Sagas started from here on schedule each step's activity under the step's own name.</summary>
    private const string ActivitiesNamedAfterSteps = "activities-named-after-steps";

    /// <summary>From here on a cancel signal's unacceptable reason is replaced before the saga keeps or sends it.</summary>
    private const string UnacceptableSignalReasonsReplaced = "unacceptable-signal-reasons-replaced";

    /// <summary>
    /// From here on the reservation window ends at the ExpiresAt Inventory returns, and confirmation commits the
    /// reservation first, so Inventory never expires the stock of a confirmed order.
    /// </summary>
    private const string ReservationCommittedAtConfirmation = "reservation-committed-at-confirmation";

    /// <summary>From here on a refusal after confirmation parks the order for an operator instead of compensating.</summary>
    private const string RefusalsAfterConfirmationPark = "refusals-after-confirmation-park";

    /// <summary>
    /// From here on a delivery completes the order only when it is for the saga's own shipment (its tracking number)
    /// and only once the order has shipped; any other is ignored. Sagas started earlier took the first delivery signalled.
    /// </summary>
    private const string DeliveryOnlyForOwnShipment = "delivery-only-for-own-shipment";

    /// <summary>Deliveries held while the saga does not know its shipment yet: a bound on what a flood of signals can make it keep.</summary>
    private const int MaxHeldDeliveries = 10;

    /// <summary>From here on the authorize step names the order's customer, so Payment can refuse anyone else's card.</summary>
    private const string AuthorizationNamesCustomer = "authorization-names-customer";

    /// <summary>
    /// From here on an interrupted step's activity is waited for (it finishes or ends, it is not retried) before the
    /// saga compensates: an undo beside a step still running (a void beside a capture at the gateway) was refused and
    /// parked the order. Sagas started earlier gave the step up at once.
    /// </summary>
    private const string StepsFinishBeforeCompensation = "steps-finish-before-compensation";

    /// <summary>
    /// From here on an order priced with a coupon claims the coupon's use right after submission, before anything is
    /// reserved or charged, and gives it back when the order is rejected or cancelled.
    /// </summary>
    private const string CouponClaimedAtSubmission = "coupon-claimed-at-submission";

    private const string ReservationExpiredReason = "The stock reservation expired before the order was confirmed.";
    private const string OperatorCancellation = "Cancelled by an operator.";
    private const string ReplacedCancellation = "Cancelled by an operator; the reason given was not acceptable and was not kept.";

    private readonly OrderSagaInput input;
    private readonly OrderSagaSettings settings;

    // Undo steps, most recent on top, each given the cancellation reason. Each is registered before its forward
    // step runs, because an interrupted step may still have taken effect at the owner; every undo is a no-op where
    // there is nothing to undo.
    private readonly Stack<Func<string, Task>> undo = new();

    // Everything the status query shows, replaced as a whole so a query never sees half a change.
    private OrderSagaStatus status;

    // Why the saga is being unwound (customer, operator, expired reservation); null while it goes forward.
    private string? abortReason;

    // The order is confirmed (its stock committed): from here on no failure unwinds the saga on its own account; it
    // parks for an operator, who may retry or, until the carrier has the parcel, cancel.
    private bool confirmed;

    // The carrier has the parcel: cancellation is refused and nothing is compensated from here on.
    private bool pointOfNoReturn;

    // The running forward step, cancelled when the saga is interrupted so it stops waiting on its retries.
    private CancellationTokenSource? activeStep;

    // Set while stock is reserved and the order not yet confirmed: the reservation's end, in workflow time.
    private DateTime? reservationDeadline;

    // Deliveries signalled before the saga knew its shipment, one per tracking number: a fast carrier's update can
    // overtake the create-shipment result it belongs to. Weighed once the shipment is known, then cleared.
    private readonly List<CarrierDelivered> heldDeliveries = [];

    private bool retryRequested;

    // The delivery of the saga's own shipment (since the patch): what the saga waits for once the order has shipped.
    private CarrierDelivered? delivery;

    // The shipment create-shipment made; null until that step has returned.
    private ShipmentRecord? shipment;

    [WorkflowInit]
    public OrderSagaWorkflow(OrderSagaInput input)
    {
        this.input = input;
        settings = input.Settings ?? OrderSagaSettings.Default;
        status = new(input.OrderId, SagaStages.Submitting, null, false, null, null, null, []);
    }

    private Guid OrderId => input.OrderId;

    private TimeSpan? ReservationLeft => reservationDeadline - Workflow.UtcNow;

    public static string IdFor(Guid orderId) => $"order-{orderId}";

    [WorkflowRun]
    public async Task<OrderSagaResult> RunAsync(OrderSagaInput input)
    {
        try
        {
            await RunForwardAsync();
            return new OrderSagaResult(OrderId, SagaStages.Delivered, null);
        }
        catch (SagaAbortedException aborted)
        {
            Decide(new OrderDecision(false, aborted.Reason));
            await CompensateAsync(aborted.Reason);
            var outcome = aborted.Rejected ? SagaStages.Rejected : SagaStages.Cancelled;
            SetStage(outcome);
            return new OrderSagaResult(OrderId, outcome, aborted.Reason);
        }
        catch (Exception e) when (TemporalException.IsCanceledException(e) && Workflow.CancellationToken.IsCancellationRequested)
        {
            const string reason = "The saga was cancelled through Temporal.";
            Decide(new OrderDecision(false, reason));
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
        await Workflow.WaitConditionAsync(() => status.Decision is not null || status.NeedsAttention);
        return status;
    }

    /// <summary>Order's own rules for the reason: a refused update never reaches the history.</summary>
    [WorkflowUpdateValidator(nameof(CancelAsync))]
    public void ValidateCancel(CancelSagaRequest request)
    {
        if (CancelReasons.Problem(request.Reason) is { } problem)
        {
            throw new ApplicationFailureException($"The cancellation reason is not acceptable: {problem}", "InvalidArgument");
        }

        if (CancellationRefusal() is { } refusal)
        {
            throw new ApplicationFailureException(refusal, "IllegalState");
        }
    }

    /// <summary>Customer or operator cancellation: interrupts the current step and compensates.</summary>
    [WorkflowUpdate]
    public Task<OrderSagaStatus> CancelAsync(CancelSagaRequest request)
    {
        Interrupt(request.Reason);
        return Task.FromResult(status);
    }

    [WorkflowUpdateValidator(nameof(RetryAsync))]
    public void ValidateRetry()
    {
        if (!status.NeedsAttention)
        {
            throw new ApplicationFailureException("The order is not waiting for an operator.", "IllegalState");
        }
    }

    /// <summary>Operator retry of the parked step, with a fresh retry budget.</summary>
    [WorkflowUpdate]
    public Task<OrderSagaStatus> RetryAsync()
    {
        retryRequested = true;
        return Task.FromResult(status);
    }

    /// <summary>
    /// The same as <see cref="CancelAsync"/> for the Temporal Web UI, which sends signals; ignored when too late.
    /// A signal cannot be refused, so a reason Order would refuse (too long, or holding a card number) is replaced
    /// by a fixed text: kept, it would fail the order's cancellation for good and spread the text further.
    /// </summary>
    [WorkflowSignal("cancel")]
    public Task CancelSignalAsync(CancelSagaRequest request)
    {
        if (CancellationRefusal() is { } refusal)
        {
            Workflow.Logger.LogWarning("Ignoring cancel signal for order {OrderId}: {Refusal}", OrderId, refusal);
        }
        else if (string.IsNullOrWhiteSpace(request.Reason))
        {
            Interrupt(OperatorCancellation);
        }
        else
        {
            Interrupt(CancelReasons.Problem(request.Reason) is not null && Workflow.Patched(UnacceptableSignalReasonsReplaced)
                ? ReplacedCancellation
                : request.Reason);
        }

        return Task.CompletedTask;
    }

    /// <summary>The same as <see cref="RetryAsync"/> for the Temporal Web UI; ignored unless the order is parked.</summary>
    [WorkflowSignal("retry")]
    public Task RetrySignalAsync()
    {
        retryRequested = status.NeedsAttention;
        return Task.CompletedTask;
    }

    /// <summary>
    /// The carrier's delivered update, relayed from Shipping's ShipmentDelivered event. A signal cannot be refused, so
    /// one for another shipment is ignored (and logged); one that comes before the saga knows its shipment is held
    /// until it does. The order completes only after it has shipped, on its own shipment's delivery.
    /// </summary>
    [WorkflowSignal]
    public Task CarrierDeliveredAsync(CarrierDelivered update)
    {
        if (!Workflow.Patched(DeliveryOnlyForOwnShipment))
        {
            delivery ??= update;
        }
        else if (shipment is null)
        {
            Hold(update);
        }
        else
        {
            Weigh(update);
        }

        return Task.CompletedTask;
    }

    [WorkflowQuery]
    public OrderSagaStatus GetStatus() => status;

    private async Task RunForwardAsync()
    {
        undo.Push(reason => UndoAsync(SagaSteps.CancelOrder, new CancelOrderInput(OrderId, reason)));
        var order = await StepAsync<SubmittedOrder>(SagaSteps.SubmitOrder, new OrderStepInput(OrderId));

        if (order.CouponCode is { } coupon && Workflow.Patched(CouponClaimedAtSubmission))
        {
            undo.Push(_ => UndoAsync(SagaSteps.ReleasePromotion, new OrderStepInput(OrderId)));
            await StepAsync(SagaSteps.ApplyPromotion, new ApplyPromotionInput(OrderId, order.CustomerId, coupon, order.CouponDiscount, order.Currency));
        }

        undo.Push(_ => UndoAsync(SagaSteps.ReleaseInventory, new OrderStepInput(OrderId)));
        var reservation = await StepAsync<StockReservation>(SagaSteps.ReserveInventory, new ReserveStockInput(OrderId, order.Lines));
        var commitsReservation = Workflow.Patched(ReservationCommittedAtConfirmation);
        // The stock is held until Inventory says; sagas started earlier counted a window of their own from here.
        reservationDeadline = commitsReservation ? reservation.ExpiresAt.UtcDateTime : Workflow.UtcNow + settings.ReservationWindow;

        undo.Push(_ => UndoAsync(SagaSteps.ReversePayment, new OrderStepInput(OrderId)));
        var authorization = await StepAsync<PaymentAuthorization>(SagaSteps.AuthorizePayment, new AuthorizePaymentInput(
            OrderId, input.PaymentMethodId, order.Total, order.Currency, Workflow.Patched(AuthorizationNamesCustomer) ? order.CustomerId : null));
        Decide(new OrderDecision(true, null));
        SetStage(SagaStages.Accepted);

        // Confirmation, within the window: the reservation stops expiring, then Order confirms. A release (the order
        // cancelled before it ships) still gives committed stock back.
        if (commitsReservation)
        {
            await StepAsync(SagaSteps.CommitInventory, new OrderStepInput(OrderId));
        }

        await StepAsync(SagaSteps.ConfirmOrder, new OrderStepInput(OrderId));
        reservationDeadline = null;
        confirmed = true;
        SetStage(SagaStages.Confirmed);

        await StepAsync(SagaSteps.CapturePayment, new PaymentStepInput(OrderId, authorization.PaymentId));
        shipment = await StepAsync<ShipmentRecord>(SagaSteps.CreateShipment, new OrderStepInput(OrderId));
        foreach (var held in heldDeliveries)
        {
            Weigh(held);
        }

        heldDeliveries.Clear();

        pointOfNoReturn = true;
        await StepAsync(SagaSteps.FulfilInventory, new OrderStepInput(OrderId));
        await StepAsync(SagaSteps.MarkShipped, new OrderStepInput(OrderId));
        SetStage(SagaStages.Shipped);

        await AwaitDeliveryAsync();
        await StepAsync(SagaSteps.CompleteOrder, new OrderStepInput(OrderId));
        SetStage(SagaStages.Delivered);
    }

    private async Task CompensateAsync(string reason)
    {
        SetStage(SagaStages.Compensating);
        while (undo.TryPop(out var step))
        {
            await step(reason);
        }
    }

    private async Task StepAsync(string step, object stepInput) =>
        await StepAsync<object?>(step, stepInput);

    /// <summary>
    /// Runs a forward step until it succeeds. Before confirmation a business failure rejects the order; exhausted
    /// retries, and after confirmation any failure, park it until an operator says retry or cancel; a cancellation or
    /// the end of the reservation window unwinds the saga.
    /// </summary>
    private async Task<T> StepAsync<T>(string step, object stepInput)
    {
        while (true)
        {
            if (ReservationLeft <= TimeSpan.Zero)
            {
                abortReason ??= ReservationExpiredReason;
            }

            if (abortReason is not null)
            {
                throw new SagaAbortedException(abortReason, rejected: false);
            }

            using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Workflow.CancellationToken);
            activeStep = cancellation;
            try
            {
                // While stock is reserved, no attempt may outlive the reservation: the timeout is the reservation
                // window itself, so the happy path needs no timer of its own.
                return await ExecuteAsync<T>(step, stepInput, cancellation.Token, ReservationLeft);
            }
            catch (ActivityFailureException failure) when (BusinessFailureReason(failure) is { } reason && !ParksRefusals())
            {
                throw new SagaAbortedException(reason, rejected: true);
            }
            catch (ActivityFailureException) when (!Workflow.CancellationToken.IsCancellationRequested
                                                   && (abortReason is not null || ReservationLeft <= TimeSpan.Zero))
            {
                throw new SagaAbortedException(abortReason ?? ReservationExpiredReason, rejected: false);
            }
            catch (ActivityFailureException failure) when (!TemporalException.IsCanceledException(failure))
            {
                var resolvedInTime = await WaitForOperatorAsync(
                    step, failure, () => retryRequested || abortReason is not null, ReservationLeft, Workflow.CancellationToken);
                if (!resolvedInTime)
                {
                    abortReason ??= ReservationExpiredReason;
                }
            }
            finally
            {
                activeStep = null;
                status = status with { CurrentStep = null };
            }
        }
    }

    /// <summary>Runs an undo step until it succeeds: never interrupted, not even by workflow cancellation.</summary>
    private async Task UndoAsync(string step, object stepInput)
    {
        while (true)
        {
            try
            {
                await ExecuteAsync<object?>(step, stepInput, CancellationToken.None, reservationLeft: null);
                return;
            }
            catch (ActivityFailureException failure)
            {
                await WaitForOperatorAsync(step, failure, () => retryRequested, timeout: null, CancellationToken.None);
            }
            finally
            {
                status = status with { CurrentStep = null };
            }
        }
    }

    /// <summary>One run of a step's activity, named after the step, with the step's retry budget.</summary>
    private async Task<T> ExecuteAsync<T>(string step, object stepInput, CancellationToken cancellationToken, TimeSpan? reservationLeft)
    {
        status = status with { CurrentStep = step };
        var options = new ActivityOptions
        {
            StartToCloseTimeout = settings.StepAttemptTimeout,
            ScheduleToCloseTimeout = reservationLeft,
            RetryPolicy = new()
            {
                InitialInterval = settings.StepInitialRetryInterval,
                BackoffCoefficient = 2,
                MaximumInterval = settings.StepMaximumRetryInterval,
                MaximumAttempts = settings.StepMaxAttempts,
                NonRetryableErrorTypes = BusinessFailures.All,
            },
            CancellationToken = cancellationToken,
            CancellationType = Workflow.Patched(StepsFinishBeforeCompensation)
                ? ActivityCancellationType.WaitCancellationCompleted
                : ActivityCancellationType.TryCancel,
            Summary = step,
        };

        // Sagas started before the rename recorded the old activity names, and a replay must schedule them again;
        // steps added since have only their own name.
        var activity = !Workflow.Patched(ActivitiesNamedAfterSteps) && SagaSteps.FormerActivityNames.TryGetValue(step, out var former)
            ? former
            : step;
        var result = await Workflow.ExecuteActivityAsync<T>(activity, [stepInput], options);
        status = status with { CompletedSteps = [.. status.CompletedSteps, new SagaStepRecord(step, Workflow.UtcNow)] };
        return result;
    }

    private async Task AwaitDeliveryAsync()
    {
        status = status with { CurrentStep = SagaSteps.AwaitDelivery };
        while (!await Workflow.WaitConditionAsync(() => delivery is not null, settings.DeliveryTimeout))
        {
            await WaitForOperatorAsync(
                SagaSteps.AwaitDelivery,
                new TimeoutException($"No delivery update from the carrier within {settings.DeliveryTimeout}."),
                () => retryRequested || delivery is not null,
                timeout: null,
                cancellationToken: null);
        }

        status = status with
        {
            CurrentStep = null,
            CompletedSteps = [.. status.CompletedSteps, new SagaStepRecord(SagaSteps.AwaitDelivery, Workflow.UtcNow)],
        };
    }

    private void Hold(CarrierDelivered update)
    {
        if (heldDeliveries.Exists(held => held.TrackingNumber == update.TrackingNumber))
        {
            return;
        }

        if (heldDeliveries.Count >= MaxHeldDeliveries)
        {
            Workflow.Logger.LogWarning(
                "Ignoring a delivery for {TrackingNumber} signalled to order {OrderId} before it has a shipment: {Held} are held already",
                update.TrackingNumber, OrderId, heldDeliveries.Count);
            return;
        }

        heldDeliveries.Add(update);
    }

    /// <summary>Keeps the first delivery of the saga's own shipment; ignores any other.</summary>
    private void Weigh(CarrierDelivered update)
    {
        if (update.TrackingNumber != shipment?.TrackingNumber)
        {
            Workflow.Logger.LogWarning(
                "Ignoring a delivery for {TrackingNumber} signalled to order {OrderId}: its shipment is {OwnTrackingNumber}",
                update.TrackingNumber, OrderId, shipment?.TrackingNumber);
            return;
        }

        delivery ??= update;
    }

    /// <summary>
    /// Parks the saga for an operator: marks it in the status and the search attributes, waits until
    /// <paramref name="resolved"/> holds, then clears the marks. False when <paramref name="timeout"/> ran out first.
    /// </summary>
    private async Task<bool> WaitForOperatorAsync(
        string step, Exception failure, Func<bool> resolved, TimeSpan? timeout, CancellationToken? cancellationToken)
    {
        var error = (failure.InnerException ?? failure).Message;
        status = status with { NeedsAttention = true, FailedStep = step, LastError = error };
        retryRequested = false;
        UpsertAttention();
        Workflow.Logger.LogWarning("Order {OrderId} needs attention: step {Step} failed: {Error}", OrderId, step, error);

        var resolvedInTime = timeout switch
        {
            null => await WaitAsync(),
            { } left when left <= TimeSpan.Zero => false,
            { } left => await Workflow.WaitConditionAsync(resolved, left, cancellationToken),
        };

        status = status with { NeedsAttention = false, FailedStep = null };
        retryRequested = false;
        UpsertAttention();
        return resolvedInTime;

        async Task<bool> WaitAsync()
        {
            await Workflow.WaitConditionAsync(resolved, cancellationToken);
            return true;
        }
    }

    /// <summary>
    /// After confirmation the customer has been promised the order and the stock is committed: a refusal there (say,
    /// a fulfil that answers 409) is for an operator to resolve, never a reason to refund, release and cancel.
    /// </summary>
    private bool ParksRefusals() => confirmed && Workflow.Patched(RefusalsAfterConfirmationPark);

    private string? CancellationRefusal() =>
        pointOfNoReturn ? "The order has shipped; it can no longer be cancelled."
        : abortReason is not null || status.Decision is { Accepted: false } ? "The order is already being cancelled."
        : null;

    private void Interrupt(string reason)
    {
        abortReason ??= reason;
        activeStep?.Cancel();
    }

    /// <summary>The first decision stands: a later rejection never replaces an acceptance already given.</summary>
    private void Decide(OrderDecision decision) => status = status with { Decision = status.Decision ?? decision };

    private void SetStage(string stage)
    {
        status = status with { Stage = stage };
        Workflow.UpsertTypedSearchAttributes(OrderSearchAttributes.OrderStatus.ValueSet(stage));
    }

    private void UpsertAttention() =>
        Workflow.UpsertTypedSearchAttributes(
            OrderSearchAttributes.NeedsAttention.ValueSet(status.NeedsAttention),
            status.FailedStep is null ? OrderSearchAttributes.FailedStep.ValueUnset() : OrderSearchAttributes.FailedStep.ValueSet(status.FailedStep));

    private static string? BusinessFailureReason(ActivityFailureException failure) =>
        failure.InnerException is ApplicationFailureException { ErrorType: { } type } application
        && BusinessFailures.All.Contains(type)
            ? application.Message
            : null;

    /// <summary>Unwinds the forward path; never leaves the workflow.</summary>
    private sealed class SagaAbortedException(string reason, bool rejected) : Exception(reason)
    {
        public string Reason { get; } = reason;

        public bool Rejected { get; } = rejected;
    }
}
