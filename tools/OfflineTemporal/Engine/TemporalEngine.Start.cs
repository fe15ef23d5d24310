using Commerce.OfflineTemporal.Grpc;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Commerce.OfflineTemporal.Engine;

internal sealed partial class TemporalEngine
{
    public StartWorkflowExecutionResponse StartWorkflow(StartWorkflowExecutionRequest req)
    {
        lock (Gate)
        {
            var (run, started) = StartOrUseExisting(req, beforeFirstTask: null);
            return new StartWorkflowExecutionResponse
            {
                RunId = run.RunId,
                Started = started,
                Status = run.Status,
            };
        }
    }

    public SignalWithStartWorkflowExecutionResponse SignalWithStart(SignalWithStartWorkflowExecutionRequest req)
    {
        lock (Gate)
        {
            if (string.IsNullOrEmpty(req.SignalName))
            {
                throw ServerErrors.InvalidArgument("SignalName is not set on request.");
            }

            var signaled = new HistoryEvent
            {
                EventType = EventType.WorkflowExecutionSignaled,
                WorkflowExecutionSignaledEventAttributes = new()
                {
                    SignalName = req.SignalName,
                    Input = req.SignalInput,
                    Identity = req.Identity,
                    Header = req.Header,
                },
            };
            GetNamespace(req.Namespace);
            var existing = CurrentRun(req.Namespace, req.WorkflowId);
            if (existing is { IsOpen: true } && req.WorkflowIdConflictPolicy != WorkflowIdConflictPolicy.TerminateExisting)
            {
                AddExternal(existing, () => Append(existing, signaled));
                return new SignalWithStartWorkflowExecutionResponse { RunId = existing.RunId, Started = false };
            }

            var start = new StartWorkflowExecutionRequest
            {
                Namespace = req.Namespace,
                WorkflowId = req.WorkflowId,
                WorkflowType = req.WorkflowType,
                TaskQueue = req.TaskQueue,
                Input = req.Input,
                WorkflowExecutionTimeout = req.WorkflowExecutionTimeout,
                WorkflowRunTimeout = req.WorkflowRunTimeout,
                WorkflowTaskTimeout = req.WorkflowTaskTimeout,
                Identity = req.Identity,
                RequestId = req.RequestId,
                WorkflowIdReusePolicy = req.WorkflowIdReusePolicy,
                WorkflowIdConflictPolicy = req.WorkflowIdConflictPolicy,
                RetryPolicy = req.RetryPolicy,
                CronSchedule = req.CronSchedule,
                Memo = req.Memo,
                SearchAttributes = req.SearchAttributes,
                Header = req.Header,
                WorkflowStartDelay = req.WorkflowStartDelay,
            };
            var (run, started) = StartOrUseExisting(start, r => Append(r, signaled));
            return new SignalWithStartWorkflowExecutionResponse { RunId = run.RunId, Started = started };
        }
    }

    /// <summary>Applies the id conflict and id reuse policies, then starts a run. Under the lock.</summary>
    private (WorkflowRun Run, bool Started) StartOrUseExisting(StartWorkflowExecutionRequest req, Action<WorkflowRun>? beforeFirstTask)
    {
        var ns = GetNamespace(req.Namespace);
        Validate(req);
        ValidateSearchAttributes(ns, req.SearchAttributes);

        var current = CurrentRun(req.Namespace, req.WorkflowId);
        if (current is { IsOpen: true })
        {
            if (current.StartRequestId == req.RequestId)
            {
                return (current, true);
            }

            switch (req.WorkflowIdConflictPolicy)
            {
                case WorkflowIdConflictPolicy.UseExisting:
                    return (current, false);
                case WorkflowIdConflictPolicy.TerminateExisting:
                    TerminateInternal(current, "terminated by WorkflowIdConflictPolicy TERMINATE_EXISTING", null, req.Identity);
                    break;
                default:
#pragma warning disable CS0612 // Deprecated in favour of the conflict policy, but older clients still send it.
                    if (req.WorkflowIdReusePolicy == WorkflowIdReusePolicy.TerminateIfRunning)
#pragma warning restore CS0612
                    {
                        TerminateInternal(current, "terminated by WorkflowIdReusePolicy TERMINATE_IF_RUNNING", null, req.Identity);
                        break;
                    }

                    throw ServerErrors.WorkflowAlreadyStarted(req.WorkflowId, current.StartRequestId, current.RunId);
            }
        }
        else if (current is not null)
        {
            var rejected = req.WorkflowIdReusePolicy switch
            {
                WorkflowIdReusePolicy.RejectDuplicate => true,
                WorkflowIdReusePolicy.AllowDuplicateFailedOnly =>
                    current.Status is WorkflowExecutionStatus.Completed,
                _ => false,
            };
            if (rejected)
            {
                throw ServerErrors.WorkflowAlreadyStarted(req.WorkflowId, current.StartRequestId, current.RunId);
            }
        }

        var run = CreateRun(
            new RunSpec
            {
                Namespace = req.Namespace,
                WorkflowId = req.WorkflowId,
                WorkflowType = req.WorkflowType.Name,
                TaskQueue = req.TaskQueue.Name,
                Input = req.Input,
                Header = req.Header,
                ExecutionTimeout = RunSpec.Positive(req.WorkflowExecutionTimeout),
                RunTimeout = RunSpec.Positive(req.WorkflowRunTimeout),
                TaskTimeout = RunSpec.Positive(req.WorkflowTaskTimeout),
                Identity = req.Identity,
                RequestId = string.IsNullOrEmpty(req.RequestId) ? Guid.NewGuid().ToString() : req.RequestId,
                Memo = req.Memo,
                SearchAttributes = req.SearchAttributes,
                RetryPolicy = req.RetryPolicy,
                StartDelay = RunSpec.Positive(req.WorkflowStartDelay),
            },
            beforeFirstTask);
        return (run, true);
    }

    private static void Validate(StartWorkflowExecutionRequest req)
    {
        if (string.IsNullOrEmpty(req.WorkflowId))
        {
            throw ServerErrors.InvalidArgument("WorkflowId is not set on request.");
        }

        if (string.IsNullOrEmpty(req.WorkflowType?.Name))
        {
            throw ServerErrors.InvalidArgument("WorkflowType is not set on request.");
        }

        if (string.IsNullOrEmpty(req.TaskQueue?.Name))
        {
            throw ServerErrors.InvalidArgument("TaskQueue is not set on request.");
        }

        if (Negative(req.WorkflowExecutionTimeout) || Negative(req.WorkflowRunTimeout) || Negative(req.WorkflowTaskTimeout))
        {
            throw ServerErrors.InvalidArgument("Invalid timeout: timeouts must not be negative.");
        }

        if (!string.IsNullOrEmpty(req.CronSchedule))
        {
            throw ServerErrors.InvalidArgument("Cron schedules are not supported by the offline Temporal server.");
        }

        static bool Negative(Duration? d) => d is not null && d.ToTimeSpan() < TimeSpan.Zero;
    }

    /// <summary>Creates a run, writes WorkflowExecutionStarted and schedules the first workflow task. Under the lock.</summary>
    private WorkflowRun CreateRun(RunSpec spec, Action<WorkflowRun>? beforeFirstTask, string? runId = null)
    {
        var now = Now;
        runId ??= Guid.NewGuid().ToString();
        var firstRunId = spec.ContinuedFrom?.FirstRunId ?? runId;
        var executionTimeout = spec.ExecutionTimeout ?? spec.ContinuedFrom?.ExecutionTimeout;
        var expiration = spec.ContinuedFrom?.ExecutionExpiration ?? (executionTimeout is { } et ? now + et : null);

        // Like the real server: the run timeout defaults to (and is capped by) the execution timeout.
        var runTimeout = spec.RunTimeout ?? executionTimeout;
        if (runTimeout is { } rt && executionTimeout is { } e && rt > e)
        {
            runTimeout = e;
        }

        var taskTimeout = spec.TaskTimeout ?? TimeSpan.FromSeconds(10);
        if (taskTimeout > TimeSpan.FromSeconds(120))
        {
            taskTimeout = TimeSpan.FromSeconds(120);
        }

        var run = new WorkflowRun
        {
            Namespace = spec.Namespace,
            WorkflowId = spec.WorkflowId,
            RunId = runId,
            FirstRunId = firstRunId,
            WorkflowType = spec.WorkflowType,
            TaskQueue = spec.TaskQueue,
            StartRequestId = spec.RequestId,
            StartTime = now,
            ExecutionTime = now + (spec.StartDelay ?? TimeSpan.Zero),
            RunTimeout = runTimeout,
            ExecutionTimeout = executionTimeout,
            ExecutionExpiration = expiration,
            WorkflowTaskTimeout = taskTimeout,
            Parent = spec.Parent ?? spec.ContinuedFrom?.Parent,
            ParentInitiatedEventId = spec.Parent is not null ? spec.ParentInitiatedEventId : spec.ContinuedFrom?.ParentInitiatedEventId ?? 0,
            ParentClosePolicy = spec.Parent is not null ? spec.ParentClosePolicy : spec.ContinuedFrom?.ParentClosePolicy ?? ParentClosePolicy.Unspecified,
        };

        if (spec.SearchAttributes is not null)
        {
            MergeSearchAttributes(run, spec.SearchAttributes);
        }

        if (spec.Memo is not null)
        {
            foreach (var (k, v) in spec.Memo.Fields)
            {
                run.Memo[k] = v;
            }
        }

        var attrs = new WorkflowExecutionStartedEventAttributes
        {
            WorkflowType = new() { Name = spec.WorkflowType },
            TaskQueue = new() { Name = spec.TaskQueue, Kind = TaskQueueKind.Normal },
            Input = spec.Input,
            WorkflowExecutionTimeout = executionTimeout is { } x ? Duration.FromTimeSpan(x) : null,
            WorkflowRunTimeout = runTimeout is { } r ? Duration.FromTimeSpan(r) : null,
            WorkflowTaskTimeout = Duration.FromTimeSpan(taskTimeout),
            OriginalExecutionRunId = runId,
            FirstExecutionRunId = firstRunId,
            Identity = spec.Identity,
            Attempt = 1,
            WorkflowExecutionExpirationTime = expiration is { } exp ? Timestamp.FromDateTime(exp) : null,
            FirstWorkflowTaskBackoff = spec.StartDelay is { } d ? Duration.FromTimeSpan(d) : null,
            Memo = spec.Memo,
            SearchAttributes = spec.SearchAttributes,
            Header = spec.Header,
            RetryPolicy = spec.RetryPolicy,
            WorkflowId = spec.WorkflowId,
            ContinuedExecutionRunId = spec.ContinuedFrom?.RunId ?? "",
            Initiator = spec.Initiator,
            ContinuedFailure = spec.ContinuedFailure,
            LastCompletionResult = spec.LastCompletionResult,
        };
        if (run.Parent is { } parent)
        {
            attrs.ParentWorkflowNamespace = parent.Namespace;
            attrs.ParentWorkflowNamespaceId = _namespaces[parent.Namespace].Id;
            attrs.ParentWorkflowExecution = new() { WorkflowId = parent.WorkflowId, RunId = parent.RunId };
            attrs.ParentInitiatedEventId = run.ParentInitiatedEventId;
        }

        Append(run, new HistoryEvent { EventType = EventType.WorkflowExecutionStarted, WorkflowExecutionStartedEventAttributes = attrs });

        _runs[runId] = run;
        if (!_chains.TryGetValue((run.Namespace, run.WorkflowId), out var chain))
        {
            chain = [];
            _chains[(run.Namespace, run.WorkflowId)] = chain;
        }

        chain.Add(run);

        if (runTimeout is { } runLimit)
        {
            run.WorkflowTimeouts.Add(Timers.Schedule(now + runLimit, () => TimeOutWorkflow(run)));
        }

        if (expiration is { } expires)
        {
            run.WorkflowTimeouts.Add(Timers.Schedule(expires, () => TimeOutWorkflow(run)));
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            _logger.LogInformation(
                "Workflow started: id={WorkflowId} runId={RunId} type={WorkflowType} taskQueue={TaskQueue}",
                run.WorkflowId, run.RunId, run.WorkflowType, run.TaskQueue);
        }

        beforeFirstTask?.Invoke(run);
        if (spec.StartDelay is { } delay)
        {
            run.WorkflowTimeouts.Add(Timers.Schedule(now + delay, () => ScheduleWorkflowTask(run)));
        }
        else
        {
            ScheduleWorkflowTask(run);
        }

        return run;
    }
}
