using Commerce.Checkout.Contracts;
using Commerce.Workflows.OrderSaga;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;

namespace Commerce.Checkout.Orders;

/// <summary>Turns the saga's query result and Temporal's visibility rows into the API's records.</summary>
internal static class SagaViews
{
    public static SagaView From(string workflowId, WorkflowExecutionStatus workflowStatus, OrderSagaStatus status) =>
        new(
            workflowId,
            Describe(workflowStatus),
            status.Stage,
            status.CurrentStep,
            status.NeedsAttention,
            status.FailedStep,
            status.LastError,
            status.Decision?.Accepted,
            status.Decision?.RejectionReason,
            [.. status.CompletedSteps.Select(step => new SagaStepView(step.Step, new DateTimeOffset(step.CompletedAt, TimeSpan.Zero)))]);

    public static SagaSummary Summary(WorkflowExecution execution)
    {
        var attributes = execution.TypedSearchAttributes;
        return new SagaSummary(
            attributes.TryGetValue(OrderSearchAttributes.OrderId, out var id) && Guid.TryParse(id, out var orderId) ? orderId : Guid.Empty,
            attributes.TryGetValue(OrderSearchAttributes.OrderStatus, out var stage) ? stage : null,
            attributes.TryGetValue(OrderSearchAttributes.NeedsAttention, out var attention) && attention,
            attributes.TryGetValue(OrderSearchAttributes.FailedStep, out var step) ? step : null,
            Describe(execution.Status),
            new DateTimeOffset(execution.StartTime, TimeSpan.Zero));
    }

    private static string Describe(WorkflowExecutionStatus status) =>
        status == WorkflowExecutionStatus.Running ? "Running" : status.ToString();
}
