using Commerce.Checkout.Contracts;
using Commerce.Workflows.OrderSaga;
using Temporalio.Api.Enums.V1;

namespace Commerce.Checkout.Orders;

/// <summary>Turns what the saga client answers into the API's records.</summary>
internal static class SagaViews
{
    public static SagaView From(OrderSagaSnapshot snapshot) => From(snapshot.WorkflowId, snapshot.WorkflowStatus, snapshot.Saga);

    public static SagaView From(string workflowId, WorkflowExecutionStatus workflowStatus, OrderSagaStatus status) =>
        new(
            workflowId,
            workflowStatus.ToString(),
            status.Stage,
            status.CurrentStep,
            status.NeedsAttention,
            status.FailedStep,
            status.LastError,
            status.Decision?.Accepted,
            status.Decision?.RejectionReason,
            [.. status.CompletedSteps.Select(step => new SagaStepView(step.Step, new DateTimeOffset(step.CompletedAt, TimeSpan.Zero)))]);

    public static SagaSummary Summary(OrderSagaSummary summary) =>
        new(
            summary.OrderId,
            summary.Stage,
            summary.NeedsAttention,
            summary.FailedStep,
            summary.WorkflowStatus,
            new DateTimeOffset(summary.StartedAt, TimeSpan.Zero));
}
