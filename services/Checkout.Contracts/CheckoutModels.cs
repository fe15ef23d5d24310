namespace Commerce.Checkout.Contracts;

/// <summary>Submitting starts the order's saga; the card was tokenized earlier through Payment's methods endpoint.</summary>
public sealed record SubmitCheckoutRequest(Guid PaymentMethodId);

public sealed record CancelCheckoutRequest(string Reason);

/// <summary>Where an order's saga stands. <see cref="Stage"/> is one of the saga stages (Submitting … Delivered, Rejected, Cancelled).</summary>
public sealed record SagaView(
    string WorkflowId,
    string WorkflowStatus,
    string Stage,
    string? CurrentStep,
    bool NeedsAttention,
    string? FailedStep,
    string? LastError,
    bool? Accepted,
    string? RejectionReason,
    IReadOnlyList<SagaStepView> CompletedSteps);

public sealed record SagaStepView(string Step, DateTimeOffset CompletedAt);

/// <summary>
/// The answer to a submission: <c>Accepted</c> (stock reserved, payment authorized), <c>Pending</c> (still
/// deciding, or parked for an operator) — a rejection is a 422 problem instead.
/// </summary>
public sealed record SubmissionResponse(Guid OrderId, string Outcome, SagaView Saga);

/// <summary>The order as Order owns it, plus its saga (null before submission).</summary>
public sealed record CheckoutOrderResponse(Guid OrderId, string OrderStatus, decimal Total, string Currency, SagaView? Saga);

public sealed record SagaSummary(Guid OrderId, string? Stage, bool NeedsAttention, string? FailedStep, string WorkflowStatus, DateTimeOffset StartedAt);

public sealed record SagaSummaryPage(IReadOnlyList<SagaSummary> Items);

public static class SubmissionOutcomes
{
    public const string Accepted = "Accepted";
    public const string Pending = "Pending";
}
