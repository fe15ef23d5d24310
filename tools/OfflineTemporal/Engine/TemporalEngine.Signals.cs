using Commerce.OfflineTemporal.Grpc;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Commerce.OfflineTemporal.Engine;

internal sealed partial class TemporalEngine
{
    public void Signal(SignalWorkflowExecutionRequest req)
    {
        lock (Gate)
        {
            if (string.IsNullOrEmpty(req.SignalName))
            {
                throw ServerErrors.InvalidArgument("SignalName is not set on request.");
            }

            var run = FindRun(req.Namespace, req.WorkflowExecution?.WorkflowId ?? "", req.WorkflowExecution?.RunId);
            if (!run.IsOpen)
            {
                throw AlreadyCompleted();
            }

            AddExternal(run, () => Append(run, new HistoryEvent
            {
                EventType = EventType.WorkflowExecutionSignaled,
                WorkflowExecutionSignaledEventAttributes = new()
                {
                    SignalName = req.SignalName,
                    Input = req.Input,
                    Identity = req.Identity,
                    Header = req.Header,
                },
            }));
        }
    }

    public void RequestCancel(RequestCancelWorkflowExecutionRequest req)
    {
        lock (Gate)
        {
            var run = FindRun(req.Namespace, req.WorkflowExecution?.WorkflowId ?? "", req.WorkflowExecution?.RunId);
            if (!run.IsOpen)
            {
                throw AlreadyCompleted();
            }

            RequestCancelInternal(run, req.Reason, req.Identity, null);
        }
    }

    /// <summary>Cancellation is a request: an event the SDK turns into workflow cancellation.</summary>
    private void RequestCancelInternal(WorkflowRun run, string reason, string identity, WorkflowRun? requestedBy)
    {
        if (!run.IsOpen || run.CancelRequested)
        {
            return;
        }

        run.CancelRequested = true;
        AddExternal(run, () => Append(run, new HistoryEvent
        {
            EventType = EventType.WorkflowExecutionCancelRequested,
            WorkflowExecutionCancelRequestedEventAttributes = new()
            {
                Cause = reason,
                Identity = identity,
                ExternalWorkflowExecution = requestedBy?.Execution,
            },
        }));
    }

    public void Terminate(TerminateWorkflowExecutionRequest req)
    {
        lock (Gate)
        {
            var run = FindRun(req.Namespace, req.WorkflowExecution?.WorkflowId ?? "", req.WorkflowExecution?.RunId);
            if (!run.IsOpen)
            {
                throw AlreadyCompleted();
            }

            TerminateInternal(run, req.Reason, req.Details, req.Identity);
        }
    }
}
