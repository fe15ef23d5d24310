using Commerce.OfflineTemporal.Grpc;
using Microsoft.Extensions.Logging;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;

namespace Commerce.OfflineTemporal.Engine;

/// <summary>
/// The whole server state behind one lock. A single lock keeps the history invariants the SDK
/// is strict about (consecutive event ids, buffered events, one workflow task at a time) easy to
/// reason about, and is far from being the bottleneck at test and dev-server loads.
/// </summary>
internal sealed partial class TemporalEngine : IAsyncDisposable
{
    private readonly HashSet<string> _busy = [];
    private readonly Dictionary<string, NamespaceEntry> _namespaces = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Ns, string WorkflowId), List<WorkflowRun>> _chains = [];
    private readonly Dictionary<string, WorkflowRun> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QueryState> _queries = new(StringComparer.Ordinal);
    private readonly ILogger _logger;

    public TemporalEngine(bool timeSkipping, TimeSpan longPollTimeout, IEnumerable<string> namespaces, ILogger logger)
    {
        Clock = new VirtualClock(timeSkipping);
        Timers = new TimerQueue(Gate, Clock, () => _busy.Count == 0);
        Queues = new TaskQueues(Gate);
        LongPollTimeout = longPollTimeout;
        _logger = logger;
        foreach (var ns in namespaces)
        {
            _namespaces[ns] = new NamespaceEntry(ns);
        }

        Timers.Start();
    }

    public Lock Gate { get; } = new();

    public VirtualClock Clock { get; }

    public TimerQueue Timers { get; }

    public TaskQueues Queues { get; }

    public TimeSpan LongPollTimeout { get; }

    private DateTime Now => Clock.Now;

    public ValueTask DisposeAsync() => new(Timers.StopAsync());

    // --- time skipping ----------------------------------------------------------------------

    /// <summary>Something the clock must not skip past is outstanding (a workflow, activity or query task).</summary>
    private void MarkBusy(string key) => _busy.Add(key);

    private void MarkIdle(string key)
    {
        if (_busy.Remove(key) && _busy.Count == 0)
        {
            Timers.Wake();
        }
    }

    public void LockTimeSkipping()
    {
        lock (Gate)
        {
            Clock.Lock();
        }
    }

    public void UnlockTimeSkipping()
    {
        lock (Gate)
        {
            Clock.Unlock();
            Timers.Wake();
        }
    }

    /// <summary>Moves the virtual clock forward by <paramref name="duration"/>, firing what falls due.</summary>
    public void Skip(TimeSpan duration)
    {
        lock (Gate)
        {
            Clock.AdvanceTo(Clock.Now + duration);
            Timers.Wake();
        }
    }

    public DateTime CurrentTime
    {
        get
        {
            lock (Gate)
            {
                return Clock.Now;
            }
        }
    }

    // --- lookups ----------------------------------------------------------------------------

    private NamespaceEntry GetNamespace(string ns)
    {
        if (string.IsNullOrEmpty(ns))
        {
            throw ServerErrors.InvalidArgument("Namespace not set on request.");
        }

        return _namespaces.TryGetValue(ns, out var state) ? state : throw ServerErrors.NamespaceNotFound(ns);
    }

    private WorkflowRun? CurrentRun(string ns, string workflowId) =>
        _chains.TryGetValue((ns, workflowId), out var runs) ? runs[^1] : null;

    /// <summary>A specific run, or the latest run of the workflow id when <paramref name="runId"/> is empty.</summary>
    private WorkflowRun FindRun(string ns, string workflowId, string? runId)
    {
        GetNamespace(ns);
        if (string.IsNullOrEmpty(workflowId))
        {
            throw ServerErrors.InvalidArgument("WorkflowId is not set on request.");
        }

        if (!string.IsNullOrEmpty(runId))
        {
            if (!Guid.TryParse(runId, out _))
            {
                throw ServerErrors.InvalidArgument("Invalid RunId.");
            }

            if (_runs.TryGetValue(runId, out var run) && run.Namespace == ns && run.WorkflowId == workflowId)
            {
                return run;
            }

            throw ServerErrors.NotFound($"Workflow execution not found. WorkflowId: {workflowId}, RunId: {runId}.");
        }

        return CurrentRun(ns, workflowId) ?? throw ServerErrors.NotFound($"workflow not found for ID: {workflowId}");
    }

    private static global::Grpc.Core.RpcException AlreadyCompleted() =>
        ServerErrors.NotFound("workflow execution already completed");

    // --- events from outside the workflow task ------------------------------------------------

    /// <summary>
    /// Adds events caused by something outside the workflow (signal, activity result, timer...):
    /// buffered while a workflow task is in flight, otherwise appended with a new workflow task.
    /// </summary>
    private void AddExternal(WorkflowRun run, Action append)
    {
        if (!run.IsOpen)
        {
            return;
        }

        if (run.TaskState == WorkflowTaskState.Started)
        {
            run.Buffered.Add(append);
            return;
        }

        append();
        ScheduleWorkflowTask(run);
    }

    private int FlushBuffered(WorkflowRun run)
    {
        var count = run.Buffered.Count;
        var buffered = run.Buffered.ToArray();
        run.Buffered.Clear();
        foreach (var append in buffered)
        {
            append();
        }

        return count;
    }

    private HistoryEvent Append(WorkflowRun run, HistoryEvent evt) => run.Append(evt, Now);

    // --- closing ----------------------------------------------------------------------------

    /// <summary>Closes a run whose close event has just been appended.</summary>
    private void Close(WorkflowRun run, HistoryEvent closeEvent, WorkflowExecutionStatus status)
    {
        run.Status = status;
        run.CloseTime = Now;
        run.CloseEvent = closeEvent;
        run.TaskTimer?.Cancel();
        run.TaskState = WorkflowTaskState.None;
        run.Buffered.Clear();
        MarkIdle(run.BusyKey);
        foreach (var t in run.WorkflowTimeouts)
        {
            t.Cancel();
        }

        foreach (var timer in run.Timers.Values)
        {
            timer.Entry.Cancel();
        }

        run.Timers.Clear();
        foreach (var activity in run.Activities.Values)
        {
            activity.CancelAttemptTimers();
            activity.ScheduleToCloseTimer?.Cancel();
            MarkIdle(activity.BusyKey(run.RunId));
        }

        run.Activities.Clear();
        foreach (var update in run.Updates.Values.Where(u => u.Stage != UpdateStage.Completed))
        {
            update.Abandoned = true;
            update.Notify();
        }

        // Guarded: the arguments (an array, the status string) would be built even when disabled.
        if (_logger.IsEnabled(LogLevel.Information))
        {
            _logger.LogInformation(
                "Workflow closed: {Status} id={WorkflowId} runId={RunId} type={WorkflowType}",
                status.ToString(), run.WorkflowId, run.RunId, run.WorkflowType);
        }

        if (status != WorkflowExecutionStatus.ContinuedAsNew)
        {
            ApplyParentClosePolicy(run);
            NotifyParent(run, closeEvent);
        }

        // Queries still work on closed workflows: the worker replays the full history.
        DispatchQueries(run);
        run.CompactHistory();
        run.NotifyClosed();
    }

    /// <summary>Ends a run from outside (terminate, timeout) even if a workflow task is in flight.</summary>
    private void ForceClose(WorkflowRun run, HistoryEvent closeEvent, WorkflowExecutionStatus status)
    {
        if (run.TaskState == WorkflowTaskState.Started)
        {
            Append(run, new HistoryEvent
            {
                EventType = EventType.WorkflowTaskFailed,
                WorkflowTaskFailedEventAttributes = new()
                {
                    ScheduledEventId = run.TaskScheduledEventId,
                    StartedEventId = run.TaskStartedEventId,
                    Cause = WorkflowTaskFailedCause.ForceCloseCommand,
                },
            });
            run.TaskState = WorkflowTaskState.None;
            FlushBuffered(run);
        }

        var evt = Append(run, closeEvent);
        Close(run, evt, status);
    }

    private void TerminateInternal(WorkflowRun run, string reason, Temporalio.Api.Common.V1.Payloads? details, string identity)
    {
        ForceClose(
            run,
            new HistoryEvent
            {
                EventType = EventType.WorkflowExecutionTerminated,
                WorkflowExecutionTerminatedEventAttributes = new() { Reason = reason, Details = details, Identity = identity },
            },
            WorkflowExecutionStatus.Terminated);
    }

    private void TimeOutWorkflow(WorkflowRun run)
    {
        if (!run.IsOpen)
        {
            return;
        }

        ForceClose(
            run,
            new HistoryEvent
            {
                EventType = EventType.WorkflowExecutionTimedOut,
                WorkflowExecutionTimedOutEventAttributes = new() { RetryState = RetryState.Timeout },
            },
            WorkflowExecutionStatus.TimedOut);
    }
}
