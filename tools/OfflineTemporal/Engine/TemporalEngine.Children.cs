using Temporalio.Api.Command.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;

namespace Commerce.OfflineTemporal.Engine;

internal sealed partial class TemporalEngine
{
    private void StartChild(CompletionContext ctx, StartChildWorkflowExecutionCommandAttributes attrs)
    {
        var parent = ctx.Run;
        var ns = parent.Namespace;
        var taskQueue = string.IsNullOrEmpty(attrs.TaskQueue?.Name) ? parent.TaskQueue : attrs.TaskQueue.Name;
        var initiated = Append(parent, new HistoryEvent
        {
            EventType = EventType.StartChildWorkflowExecutionInitiated,
            StartChildWorkflowExecutionInitiatedEventAttributes = new()
            {
                Namespace = ns,
                WorkflowId = attrs.WorkflowId,
                WorkflowType = attrs.WorkflowType,
                TaskQueue = new() { Name = taskQueue, Kind = TaskQueueKind.Normal },
                Input = attrs.Input,
                WorkflowExecutionTimeout = attrs.WorkflowExecutionTimeout,
                WorkflowRunTimeout = attrs.WorkflowRunTimeout,
                WorkflowTaskTimeout = attrs.WorkflowTaskTimeout,
                ParentClosePolicy = attrs.ParentClosePolicy,
                WorkflowTaskCompletedEventId = ctx.CompletedEventId,
                WorkflowIdReusePolicy = attrs.WorkflowIdReusePolicy,
                RetryPolicy = attrs.RetryPolicy,
                Header = attrs.Header,
                Memo = attrs.Memo,
                SearchAttributes = attrs.SearchAttributes,
            },
        });
        var initiatedId = initiated.EventId;
        var child = new ChildState
        {
            InitiatedEventId = initiatedId,
            Namespace = ns,
            WorkflowId = attrs.WorkflowId,
            WorkflowType = attrs.WorkflowType.Name,
            ParentClosePolicy = attrs.ParentClosePolicy,
        };
        parent.Children[initiatedId] = child;

        ctx.AfterCommit.Add(() =>
        {
            if (!parent.IsOpen)
            {
                return;
            }

            var existing = _namespaces.ContainsKey(ns) ? CurrentRun(ns, attrs.WorkflowId) : null;
            var conflict = !_namespaces.ContainsKey(ns) || existing is { IsOpen: true }
                || (existing is not null && attrs.WorkflowIdReusePolicy == WorkflowIdReusePolicy.RejectDuplicate)
                || (existing is { Status: WorkflowExecutionStatus.Completed } && attrs.WorkflowIdReusePolicy == WorkflowIdReusePolicy.AllowDuplicateFailedOnly);
            if (conflict)
            {
                parent.Children.Remove(initiatedId);
                AddExternal(parent, () => Append(parent, new HistoryEvent
                {
                    EventType = EventType.StartChildWorkflowExecutionFailed,
                    StartChildWorkflowExecutionFailedEventAttributes = new()
                    {
                        Namespace = ns,
                        WorkflowId = attrs.WorkflowId,
                        WorkflowType = attrs.WorkflowType,
                        Cause = StartChildWorkflowExecutionFailedCause.WorkflowAlreadyExists,
                        InitiatedEventId = initiatedId,
                        WorkflowTaskCompletedEventId = ctx.CompletedEventId,
                    },
                }));
                return;
            }

            var run = CreateRun(
                new RunSpec
                {
                    Namespace = ns,
                    WorkflowId = attrs.WorkflowId,
                    WorkflowType = attrs.WorkflowType.Name,
                    TaskQueue = taskQueue,
                    Input = attrs.Input,
                    Header = attrs.Header,
                    ExecutionTimeout = RunSpec.Positive(attrs.WorkflowExecutionTimeout),
                    RunTimeout = RunSpec.Positive(attrs.WorkflowRunTimeout),
                    TaskTimeout = RunSpec.Positive(attrs.WorkflowTaskTimeout),
                    Identity = ctx.Identity,
                    Memo = attrs.Memo,
                    SearchAttributes = attrs.SearchAttributes,
                    RetryPolicy = attrs.RetryPolicy,
                    Parent = parent,
                    ParentInitiatedEventId = initiatedId,
                    ParentClosePolicy = attrs.ParentClosePolicy,
                },
                beforeFirstTask: null);
            child.RunId = run.RunId;
            AddExternal(parent, () =>
            {
                child.StartedEventId = Append(parent, new HistoryEvent
                {
                    EventType = EventType.ChildWorkflowExecutionStarted,
                    ChildWorkflowExecutionStartedEventAttributes = new()
                    {
                        Namespace = ns,
                        InitiatedEventId = initiatedId,
                        WorkflowExecution = run.Execution,
                        WorkflowType = attrs.WorkflowType,
                        Header = attrs.Header,
                    },
                }).EventId;
            });
        });
    }

    /// <summary>Reports a child's close to its parent (the run that started it, if still open).</summary>
    private void NotifyParent(WorkflowRun closed, HistoryEvent closeEvent)
    {
        var parent = closed.Parent;
        if (parent is null || !parent.IsOpen || !parent.Children.Remove(closed.ParentInitiatedEventId, out var child))
        {
            return;
        }

        var execution = new Temporalio.Api.Common.V1.WorkflowExecution { WorkflowId = closed.WorkflowId, RunId = child.RunId ?? closed.RunId };
        var type = new Temporalio.Api.Common.V1.WorkflowType { Name = child.WorkflowType };
        AddExternal(parent, () =>
        {
            var evt = closeEvent.EventType switch
            {
                EventType.WorkflowExecutionCompleted => new HistoryEvent
                {
                    EventType = EventType.ChildWorkflowExecutionCompleted,
                    ChildWorkflowExecutionCompletedEventAttributes = new()
                    {
                        Result = closeEvent.WorkflowExecutionCompletedEventAttributes.Result,
                        Namespace = child.Namespace,
                        WorkflowExecution = execution,
                        WorkflowType = type,
                        InitiatedEventId = child.InitiatedEventId,
                        StartedEventId = child.StartedEventId,
                    },
                },
                EventType.WorkflowExecutionFailed => new HistoryEvent
                {
                    EventType = EventType.ChildWorkflowExecutionFailed,
                    ChildWorkflowExecutionFailedEventAttributes = new()
                    {
                        Failure = closeEvent.WorkflowExecutionFailedEventAttributes.Failure,
                        Namespace = child.Namespace,
                        WorkflowExecution = execution,
                        WorkflowType = type,
                        InitiatedEventId = child.InitiatedEventId,
                        StartedEventId = child.StartedEventId,
                        RetryState = closeEvent.WorkflowExecutionFailedEventAttributes.RetryState,
                    },
                },
                EventType.WorkflowExecutionCanceled => new HistoryEvent
                {
                    EventType = EventType.ChildWorkflowExecutionCanceled,
                    ChildWorkflowExecutionCanceledEventAttributes = new()
                    {
                        Details = closeEvent.WorkflowExecutionCanceledEventAttributes.Details,
                        Namespace = child.Namespace,
                        WorkflowExecution = execution,
                        WorkflowType = type,
                        InitiatedEventId = child.InitiatedEventId,
                        StartedEventId = child.StartedEventId,
                    },
                },
                EventType.WorkflowExecutionTimedOut => new HistoryEvent
                {
                    EventType = EventType.ChildWorkflowExecutionTimedOut,
                    ChildWorkflowExecutionTimedOutEventAttributes = new()
                    {
                        Namespace = child.Namespace,
                        WorkflowExecution = execution,
                        WorkflowType = type,
                        InitiatedEventId = child.InitiatedEventId,
                        StartedEventId = child.StartedEventId,
                        RetryState = RetryState.Timeout,
                    },
                },
                _ => new HistoryEvent
                {
                    EventType = EventType.ChildWorkflowExecutionTerminated,
                    ChildWorkflowExecutionTerminatedEventAttributes = new()
                    {
                        Namespace = child.Namespace,
                        WorkflowExecution = execution,
                        WorkflowType = type,
                        InitiatedEventId = child.InitiatedEventId,
                        StartedEventId = child.StartedEventId,
                    },
                },
            };
            Append(parent, evt);
        });
    }

    /// <summary>Terminate (the default), request cancellation of, or abandon the children still running.</summary>
    private void ApplyParentClosePolicy(WorkflowRun parent)
    {
        foreach (var child in parent.Children.Values.Where(c => c.RunId is not null).ToList())
        {
            var target = CurrentRun(child.Namespace, child.WorkflowId);
            if (target is null || !target.IsOpen || target.Parent != parent && target.FirstRunId != child.RunId)
            {
                continue;
            }

            switch (child.ParentClosePolicy)
            {
                case ParentClosePolicy.Abandon:
                    break;
                case ParentClosePolicy.RequestCancel:
                    RequestCancelInternal(target, "by parent close policy", "OfflineTemporal", null);
                    break;
                default:
                    TerminateInternal(target, "by parent close policy", null, "OfflineTemporal");
                    break;
            }
        }

        parent.Children.Clear();
    }

    private void SignalExternal(CompletionContext ctx, SignalExternalWorkflowExecutionCommandAttributes attrs)
    {
        var source = ctx.Run;
        var ns = source.Namespace;
        var initiated = Append(source, new HistoryEvent
        {
            EventType = EventType.SignalExternalWorkflowExecutionInitiated,
            SignalExternalWorkflowExecutionInitiatedEventAttributes = new()
            {
                WorkflowTaskCompletedEventId = ctx.CompletedEventId,
                Namespace = ns,
                WorkflowExecution = attrs.Execution,
                SignalName = attrs.SignalName,
                Input = attrs.Input,
                ChildWorkflowOnly = attrs.ChildWorkflowOnly,
                Header = attrs.Header,
            },
        });
        var initiatedId = initiated.EventId;
        ctx.AfterCommit.Add(() =>
        {
            var target = _namespaces.ContainsKey(ns) ? FindOpenRun(ns, attrs.Execution.WorkflowId, attrs.Execution.RunId) : null;
            if (target is null)
            {
                AddExternal(source, () => Append(source, new HistoryEvent
                {
                    EventType = EventType.SignalExternalWorkflowExecutionFailed,
                    SignalExternalWorkflowExecutionFailedEventAttributes = new()
                    {
                        Cause = SignalExternalWorkflowExecutionFailedCause.ExternalWorkflowExecutionNotFound,
                        WorkflowTaskCompletedEventId = ctx.CompletedEventId,
                        Namespace = ns,
                        WorkflowExecution = attrs.Execution,
                        InitiatedEventId = initiatedId,
                    },
                }));
                return;
            }

            AddExternal(target, () => Append(target, new HistoryEvent
            {
                EventType = EventType.WorkflowExecutionSignaled,
                WorkflowExecutionSignaledEventAttributes = new()
                {
                    SignalName = attrs.SignalName,
                    Input = attrs.Input,
                    Identity = ctx.Identity,
                    Header = attrs.Header,
                    ExternalWorkflowExecution = source.Execution,
                },
            }));
            AddExternal(source, () => Append(source, new HistoryEvent
            {
                EventType = EventType.ExternalWorkflowExecutionSignaled,
                ExternalWorkflowExecutionSignaledEventAttributes = new()
                {
                    InitiatedEventId = initiatedId,
                    Namespace = ns,
                    WorkflowExecution = target.Execution,
                },
            }));
        });
    }

    private void CancelExternal(CompletionContext ctx, RequestCancelExternalWorkflowExecutionCommandAttributes attrs)
    {
        var source = ctx.Run;
        var ns = source.Namespace;
        var execution = new Temporalio.Api.Common.V1.WorkflowExecution { WorkflowId = attrs.WorkflowId, RunId = attrs.RunId };
        var initiated = Append(source, new HistoryEvent
        {
            EventType = EventType.RequestCancelExternalWorkflowExecutionInitiated,
            RequestCancelExternalWorkflowExecutionInitiatedEventAttributes = new()
            {
                WorkflowTaskCompletedEventId = ctx.CompletedEventId,
                Namespace = ns,
                WorkflowExecution = execution,
                ChildWorkflowOnly = attrs.ChildWorkflowOnly,
                Reason = attrs.Reason,
            },
        });
        var initiatedId = initiated.EventId;
        ctx.AfterCommit.Add(() =>
        {
            var target = _namespaces.ContainsKey(ns) ? FindOpenRun(ns, attrs.WorkflowId, attrs.RunId) : null;
            if (target is null)
            {
                AddExternal(source, () => Append(source, new HistoryEvent
                {
                    EventType = EventType.RequestCancelExternalWorkflowExecutionFailed,
                    RequestCancelExternalWorkflowExecutionFailedEventAttributes = new()
                    {
                        Cause = CancelExternalWorkflowExecutionFailedCause.ExternalWorkflowExecutionNotFound,
                        WorkflowTaskCompletedEventId = ctx.CompletedEventId,
                        Namespace = ns,
                        WorkflowExecution = execution,
                        InitiatedEventId = initiatedId,
                    },
                }));
                return;
            }

            RequestCancelInternal(target, attrs.Reason, ctx.Identity, source);
            AddExternal(source, () => Append(source, new HistoryEvent
            {
                EventType = EventType.ExternalWorkflowExecutionCancelRequested,
                ExternalWorkflowExecutionCancelRequestedEventAttributes = new()
                {
                    InitiatedEventId = initiatedId,
                    Namespace = ns,
                    WorkflowExecution = target.Execution,
                },
            }));
        });
    }

    private WorkflowRun? FindOpenRun(string ns, string workflowId, string? runId)
    {
        var run = string.IsNullOrEmpty(runId) ? CurrentRun(ns, workflowId) : _runs.GetValueOrDefault(runId);
        return run is { IsOpen: true } && run.WorkflowId == workflowId ? run : null;
    }
}
