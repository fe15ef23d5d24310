using System.Linq.Expressions;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Commerce.Workflows.OrderSaga;

/// <summary>
/// The one way to start, find, steer and list order sagas, for the Checkout API, the CLI, the tests and the
/// benchmarks alike. <paramref name="taskQueue"/> is the production queue unless a test runs its own worker.
/// </summary>
public sealed class OrderSagaClient(ITemporalClient temporal, string taskQueue = OrderSagaWorkflow.TaskQueue)
{
    public WorkflowHandle<OrderSagaWorkflow, OrderSagaResult> Handle(Guid orderId) =>
        temporal.GetWorkflowHandle<OrderSagaWorkflow, OrderSagaResult>(OrderSagaWorkflow.IdFor(orderId));

    /// <summary>
    /// Starts the order's saga, or joins the one already running, and answers with its early decision: accepted,
    /// rejected, or parked for an operator. A finished saga is never started again.
    /// </summary>
    public Task<OrderSagaStatus> SubmitAsync(OrderSagaInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var start = WithStartWorkflowOperation.Create(
            (OrderSagaWorkflow saga) => saga.RunAsync(input),
            new WorkflowOptions(OrderSagaWorkflow.IdFor(input.OrderId), taskQueue)
            {
                // Concurrent submits join the one running saga; a finished saga is never started again.
                IdConflictPolicy = WorkflowIdConflictPolicy.UseExisting,
                IdReusePolicy = WorkflowIdReusePolicy.RejectDuplicate,
                TypedSearchAttributes = OrderSearchAttributes.ForNewSaga(input),
            });
        return temporal.ExecuteUpdateWithStartWorkflowAsync(
            (OrderSagaWorkflow saga) => saga.WaitForDecisionAsync(),
            new WorkflowUpdateWithStartOptions(start) { Rpc = new() { CancellationToken = cancellationToken } });
    }

    /// <summary>The early decision of a saga that is already running; starts nothing.</summary>
    public Task<OrderSagaStatus> WaitForDecisionAsync(Guid orderId, CancellationToken cancellationToken = default) =>
        Handle(orderId).ExecuteUpdateAsync(
            saga => saga.WaitForDecisionAsync(), new WorkflowUpdateOptions { Rpc = new() { CancellationToken = cancellationToken } });

    /// <summary>Temporal's description of the order's saga, or null when it has none.</summary>
    public async Task<WorkflowExecutionDescription?> DescribeAsync(Guid orderId)
    {
        try
        {
            return await Handle(orderId).DescribeAsync();
        }
        catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// The saga's own status, or null when the order has none. When no worker answers the query (all down or
    /// restarting), the search attributes still say where a running saga is.
    /// </summary>
    public async Task<OrderSagaSnapshot?> FindAsync(Guid orderId)
    {
        if (await DescribeAsync(orderId) is not { } description)
        {
            return null;
        }

        try
        {
            return new(description.Id, description.Status, await Handle(orderId).QueryAsync(saga => saga.GetStatus()));
        }
        catch (RpcException) when (description.Status == WorkflowExecutionStatus.Running)
        {
            var attributes = description.TypedSearchAttributes;
            return new(description.Id, description.Status, new OrderSagaStatus(
                orderId,
                attributes.TryGetValue(OrderSearchAttributes.OrderStatus, out var stage) ? stage : SagaStages.Submitting,
                null,
                attributes.TryGetValue(OrderSearchAttributes.NeedsAttention, out var attention) && attention,
                attributes.TryGetValue(OrderSearchAttributes.FailedStep, out var failed) ? failed : null,
                "No saga worker answered; the stage is from the saga's search attributes.",
                null,
                []));
        }
    }

    /// <summary>Interrupts the saga, which compensates; refused once the order has shipped or is being cancelled.</summary>
    public Task<SagaCommandResult> CancelAsync(Guid orderId, string reason) =>
        CommandAsync(orderId, saga => saga.CancelAsync(new CancelSagaRequest(reason)));

    /// <summary>Runs the parked step again with a fresh retry budget; refused unless the saga waits for an operator.</summary>
    public Task<SagaCommandResult> RetryAsync(Guid orderId) => CommandAsync(orderId, saga => saga.RetryAsync());

    /// <summary>Sagas newest first, from Temporal's visibility store (what the Web UI shows), optionally filtered.</summary>
    public async IAsyncEnumerable<OrderSagaSummary> ListAsync(bool? needsAttention = null, string? stage = null, int? limit = null)
    {
        var query = OrderSearchAttributes.ListQuery(needsAttention, stage);
        await foreach (var execution in temporal.ListWorkflowsAsync(query, new WorkflowListOptions { Limit = limit ?? 0 }))
        {
            var attributes = execution.TypedSearchAttributes;
            yield return new OrderSagaSummary(
                attributes.TryGetValue(OrderSearchAttributes.OrderId, out var id) && Guid.TryParse(id, out var orderId) ? orderId : Guid.Empty,
                attributes.TryGetValue(OrderSearchAttributes.OrderStatus, out var sagaStage) ? sagaStage : null,
                attributes.TryGetValue(OrderSearchAttributes.NeedsAttention, out var attention) && attention,
                attributes.TryGetValue(OrderSearchAttributes.FailedStep, out var step) ? step : null,
                execution.Status.ToString(),
                execution.StartTime);
        }
    }

    private async Task<SagaCommandResult> CommandAsync(Guid orderId, Expression<Func<OrderSagaWorkflow, Task<OrderSagaStatus>>> update)
    {
        try
        {
            return new(SagaCommandOutcome.Done, await Handle(orderId).ExecuteUpdateAsync(update), null);
        }
        catch (WorkflowUpdateFailedException e)
        {
            return new(SagaCommandOutcome.Refused, null, e.InnerException?.Message ?? e.Message);
        }
        catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound)
        {
            return new(SagaCommandOutcome.NoRunningSaga, null, null);
        }
    }
}

/// <summary>A saga as Temporal knows it (id, execution status) with the saga's own status.</summary>
public sealed record OrderSagaSnapshot(string WorkflowId, WorkflowExecutionStatus WorkflowStatus, OrderSagaStatus Saga);

/// <summary>One row of the saga list, from search attributes alone, so it needs no worker to answer.</summary>
public sealed record OrderSagaSummary(
    Guid OrderId,
    string? Stage,
    bool NeedsAttention,
    string? FailedStep,
    string WorkflowStatus,
    DateTime StartedAt);

public enum SagaCommandOutcome
{
    Done,

    /// <summary>The saga said no (see <see cref="SagaCommandResult.Refusal"/>), e.g. a cancel after shipping.</summary>
    Refused,

    /// <summary>No saga runs for the order: it was never submitted, or its saga has finished.</summary>
    NoRunningSaga,
}

/// <summary>The answer to a cancel or retry: the saga's status when done, its reason when refused.</summary>
public sealed record SagaCommandResult(SagaCommandOutcome Outcome, OrderSagaStatus? Status, string? Refusal);
