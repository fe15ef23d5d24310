using Commerce.OfflineTemporal.Grpc;
using Grpc.Core;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.ErrorDetails.V1;
using Temporalio.Api.Update.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Commerce.OfflineTemporal.Engine;

internal sealed partial class TemporalEngine
{
    public async Task<UpdateWorkflowExecutionResponse> UpdateAsync(UpdateWorkflowExecutionRequest req, CancellationToken cancellation)
    {
        WorkflowRun run;
        UpdateState update;
        lock (Gate)
        {
            run = FindRun(req.Namespace, req.WorkflowExecution?.WorkflowId ?? "", req.WorkflowExecution?.RunId);
            update = Admit(run, req);
        }

        return await AwaitUpdateAsync(run, update, req.WaitPolicy?.LifecycleStage ?? UpdateWorkflowExecutionLifecycleStage.Unspecified, cancellation);
    }

    /// <summary>Registers the update (or joins one with the same id) and makes sure a workflow task will carry it.</summary>
    private UpdateState Admit(WorkflowRun run, UpdateWorkflowExecutionRequest req)
    {
        if (!run.IsOpen)
        {
            throw AlreadyCompleted();
        }

        var request = req.Request ?? throw ServerErrors.InvalidArgument("Update request is not set on request.");
        if (string.IsNullOrEmpty(request.Input?.Name))
        {
            throw ServerErrors.InvalidArgument("Update name is not set on request.");
        }

        var updateId = string.IsNullOrEmpty(request.Meta?.UpdateId) ? Guid.NewGuid().ToString() : request.Meta.UpdateId;
        if (run.Updates.TryGetValue(updateId, out var existing))
        {
            return existing;
        }

        var normalized = request.Clone();
        normalized.Meta ??= new Meta();
        normalized.Meta.UpdateId = updateId;
        var update = new UpdateState { UpdateId = updateId, Request = normalized };
        run.Updates[updateId] = update;
        ScheduleWorkflowTask(run);
        return update;
    }

    private async Task<UpdateWorkflowExecutionResponse> AwaitUpdateAsync(WorkflowRun run, UpdateState update, UpdateWorkflowExecutionLifecycleStage wanted, CancellationToken cancellation)
    {
        var target = wanted == UpdateWorkflowExecutionLifecycleStage.Completed ? UpdateStage.Completed : UpdateStage.Accepted;
        var deadline = DateTime.UtcNow + LongPollTimeout;
        while (true)
        {
            Task waiter;
            lock (Gate)
            {
                if (update.Stage >= target || update.Abandoned)
                {
                    break;
                }

                var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                update.Waiters.Add(tcs);
                waiter = tcs.Task;
            }

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                break;
            }

            try
            {
                await waiter.WaitAsync(remaining, cancellation);
            }
            catch (TimeoutException)
            {
                // The SDK keeps polling (PollWorkflowExecutionUpdate) while the stage is not reached.
                break;
            }
        }

        lock (Gate)
        {
            if (update.Abandoned && update.Stage != UpdateStage.Completed)
            {
                throw AlreadyCompleted();
            }

            return new UpdateWorkflowExecutionResponse
            {
                UpdateRef = new() { WorkflowExecution = run.Execution, UpdateId = update.UpdateId },
                Outcome = update.Stage == UpdateStage.Completed ? update.Outcome : null,
                Stage = update.Stage switch
                {
                    UpdateStage.Completed => UpdateWorkflowExecutionLifecycleStage.Completed,
                    UpdateStage.Accepted => UpdateWorkflowExecutionLifecycleStage.Accepted,
                    _ => UpdateWorkflowExecutionLifecycleStage.Admitted,
                },
            };
        }
    }

    public async Task<PollWorkflowExecutionUpdateResponse> PollUpdateAsync(PollWorkflowExecutionUpdateRequest req, CancellationToken cancellation)
    {
        WorkflowRun run;
        UpdateState update;
        lock (Gate)
        {
            var execution = req.UpdateRef?.WorkflowExecution;
            var updateId = req.UpdateRef?.UpdateId ?? "";
            run = FindRun(req.Namespace, execution?.WorkflowId ?? "", execution?.RunId);

            // Without a run id the update may belong to any run of the chain.
            var candidates = string.IsNullOrEmpty(execution?.RunId) && _chains.TryGetValue((req.Namespace, run.WorkflowId), out var chain)
                ? chain.AsEnumerable().Reverse()
                : [run];
            var found = candidates.Select(r => (Run: r, Update: r.Updates.GetValueOrDefault(updateId))).FirstOrDefault(x => x.Update is not null);
            if (found.Update is null)
            {
                throw ServerErrors.NotFound($"update {updateId} not found");
            }

            (run, update) = (found.Run, found.Update);
        }

        var response = await AwaitUpdateAsync(run, update, req.WaitPolicy?.LifecycleStage ?? UpdateWorkflowExecutionLifecycleStage.Completed, cancellation);
        return new PollWorkflowExecutionUpdateResponse { Outcome = response.Outcome, Stage = response.Stage, UpdateRef = response.UpdateRef };
    }

    /// <summary>Update-with-start: start (or reuse, per the conflict policy) then update, as one operation.</summary>
    public async Task<ExecuteMultiOperationResponse> ExecuteMultiOperationAsync(ExecuteMultiOperationRequest req, CancellationToken cancellation)
    {
        if (req.Operations.Count != 2 || req.Operations[0].StartWorkflow is null || req.Operations[1].UpdateWorkflow is null)
        {
            throw ServerErrors.InvalidArgument("Only update-with-start (a start operation followed by an update operation) is supported.");
        }

        var start = req.Operations[0].StartWorkflow;
        var updateReq = req.Operations[1].UpdateWorkflow;
        WorkflowRun run;
        UpdateState update;
        StartWorkflowExecutionResponse startResponse;
        lock (Gate)
        {
            try
            {
                if (start.WorkflowIdConflictPolicy == WorkflowIdConflictPolicy.Unspecified)
                {
                    throw ServerErrors.InvalidArgument("WorkflowIdConflictPolicy must be set for update-with-start.");
                }

                (run, var started) = StartOrUseExisting(start, beforeFirstTask: null);
                startResponse = new StartWorkflowExecutionResponse { RunId = run.RunId, Started = started, Status = run.Status };
                update = Admit(run, updateReq);
            }
            catch (RpcException ex)
            {
                throw MultiOperationFailure(ex);
            }
        }

        var updateResponse = await AwaitUpdateAsync(run, update, updateReq.WaitPolicy?.LifecycleStage ?? UpdateWorkflowExecutionLifecycleStage.Unspecified, cancellation);
        return new ExecuteMultiOperationResponse
        {
            Responses =
            {
                new ExecuteMultiOperationResponse.Types.Response { StartWorkflow = startResponse },
                new ExecuteMultiOperationResponse.Types.Response { UpdateWorkflow = updateResponse },
            },
        };
    }

    /// <summary>The SDK expects per-operation statuses, with the operation that did not run marked aborted.</summary>
    private static RpcException MultiOperationFailure(RpcException ex)
    {
        var detail = new MultiOperationExecutionFailure
        {
            Statuses =
            {
                ServerErrors.ToOperationStatus(ex),
                new MultiOperationExecutionFailure.Types.OperationStatus { Code = (int)StatusCode.Aborted, Message = "Operation was aborted." },
            },
        };
        return ServerErrors.Create(ex.StatusCode, ex.Status.Detail, detail);
    }
}
