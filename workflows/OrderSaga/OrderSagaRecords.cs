namespace Commerce.Workflows.OrderSaga;

/// <summary>Starts the saga for one order; <see cref="Settings"/> is fixed for the run so replays agree.</summary>
public sealed record OrderSagaInput(Guid OrderId, Guid CustomerId, Guid PaymentMethodId, OrderSagaSettings? Settings = null);

/// <summary>Tunables that shape the saga's timing. Defaults are production values; tests shrink them.</summary>
public sealed record OrderSagaSettings
{
    public static readonly OrderSagaSettings Default = new();

    /// <summary>
    /// How long stock stays reserved, for sagas started before the window was read from the reservation's own
    /// ExpiresAt (patch reservation-committed-at-confirmation); Inventory's lifetime decides for the others.
    /// </summary>
    public TimeSpan ReservationWindow { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Attempts per step before the saga parks and waits for an operator.</summary>
    public int StepMaxAttempts { get; init; } = 8;

    public TimeSpan StepInitialRetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan StepMaximumRetryInterval { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan StepAttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for the carrier's delivered update before asking an operator to look.</summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromDays(30);
}

/// <summary>The early answer to a submission: accepted once stock is reserved and payment authorized.</summary>
public sealed record OrderDecision(bool Accepted, string? RejectionReason);

public sealed record OrderSagaResult(Guid OrderId, string Outcome, string? Reason);

public sealed record CancelSagaRequest(string Reason);

public sealed record CarrierDelivered(string TrackingNumber, DateTimeOffset DeliveredAt);

public sealed record SagaStepRecord(string Step, DateTime CompletedAt);

/// <summary>What the saga's query returns: where it is, what it has done, and what went wrong last.</summary>
public sealed record OrderSagaStatus(
    Guid OrderId,
    string Stage,
    string? CurrentStep,
    bool NeedsAttention,
    string? FailedStep,
    string? LastError,
    OrderDecision? Decision,
    IReadOnlyList<SagaStepRecord> CompletedSteps);

/// <summary>Saga stages, also the OrderStatus search attribute's values.</summary>
public static class SagaStages
{
    public const string Submitting = "Submitting";
    public const string Accepted = "Accepted";
    public const string Confirmed = "Confirmed";
    public const string Shipped = "Shipped";
    public const string Delivered = "Delivered";
    public const string Compensating = "Compensating";
    public const string Rejected = "Rejected";
    public const string Cancelled = "Cancelled";

    public static readonly IReadOnlyList<string> All =
        [Submitting, Accepted, Confirmed, Shipped, Delivered, Compensating, Rejected, Cancelled];
}

/// <summary>
/// Step names as they appear in the status query, the FailedStep search attribute and the CLI; each step's activity
/// has the step's name, so the Web UI and the worker's logs say the same.
/// </summary>
public static class SagaSteps
{
    public const string SubmitOrder = "submit-order";
    public const string ApplyPromotion = "apply-promotion";
    public const string ReserveInventory = "reserve-inventory";
    public const string AuthorizePayment = "authorize-payment";
    public const string CommitInventory = "commit-inventory";
    public const string ConfirmOrder = "confirm-order";
    public const string CapturePayment = "capture-payment";
    public const string CreateShipment = "create-shipment";
    public const string FulfilInventory = "fulfil-inventory";
    public const string MarkShipped = "mark-shipped";
    public const string AwaitDelivery = "await-delivery";
    public const string CompleteOrder = "complete-order";
    public const string ReversePayment = "reverse-payment";
    public const string ReleasePromotion = "release-promotion";
    public const string ReleaseInventory = "release-inventory";
    public const string CancelOrder = "cancel-order";

    /// <summary>
    /// The activity names sagas started before activities were named after their steps recorded in their histories.
    /// Those sagas keep scheduling them, so workers register every activity under both names. Steps added since
    /// (commit-inventory, apply-promotion, release-promotion) have only their own name.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> FormerActivityNames = new Dictionary<string, string>
    {
        [SubmitOrder] = "MarkOrderSubmitted",
        [ReserveInventory] = "ReserveStock",
        [AuthorizePayment] = "AuthorizePayment",
        [ConfirmOrder] = "ConfirmOrder",
        [CapturePayment] = "CapturePayment",
        [CreateShipment] = "CreateShipment",
        [FulfilInventory] = "FulfilStock",
        [MarkShipped] = "MarkOrderShipped",
        [CompleteOrder] = "MarkOrderDelivered",
        [ReversePayment] = "ReversePayment",
        [ReleaseInventory] = "ReleaseStock",
        [CancelOrder] = "CancelOrder",
    };
}
