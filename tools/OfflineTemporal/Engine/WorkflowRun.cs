using Google.Protobuf;
using Google.Protobuf.Collections;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;

namespace Commerce.OfflineTemporal.Engine;

internal enum WorkflowTaskState
{
    None,
    Scheduled,
    Started,
}

/// <summary>
/// One run of a workflow execution: its history and the mutable state derived from it. Only the
/// engine touches it, always under the engine lock.
/// </summary>
internal sealed class WorkflowRun
{
    public required string Namespace { get; init; }

    public required string WorkflowId { get; init; }

    public required string RunId { get; init; }

    public required string FirstRunId { get; init; }

    public required string WorkflowType { get; init; }

    public required string TaskQueue { get; init; }

    public required string StartRequestId { get; init; }

    public required DateTime StartTime { get; init; }

    public DateTime ExecutionTime { get; set; }

    public TimeSpan? RunTimeout { get; init; }

    public TimeSpan? ExecutionTimeout { get; init; }

    public DateTime? ExecutionExpiration { get; init; }

    public TimeSpan WorkflowTaskTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public WorkflowExecutionStatus Status { get; set; } = WorkflowExecutionStatus.Running;

    public DateTime? CloseTime { get; set; }

    public bool IsOpen => Status == WorkflowExecutionStatus.Running;

    public Dictionary<string, Payload> SearchAttributes { get; } = [];

    public Dictionary<string, Payload> Memo { get; } = [];

    /// <summary>Parent run, for child workflows: notified when this chain of runs closes.</summary>
    public WorkflowRun? Parent { get; init; }

    public long ParentInitiatedEventId { get; init; }

    public ParentClosePolicy ParentClosePolicy { get; init; }

    public string? NewRunId { get; set; }

    // --- history --------------------------------------------------------------------------

    private List<HistoryEvent>? _events = [];

    /// <summary>A closed run's events, serialized (see <see cref="CompactHistory"/>); null while open.</summary>
    private byte[]? _compactEvents;

    /// <summary>
    /// The run's events in order. For a closed run this parses the compact copy on every call, so
    /// callers read it once per request.
    /// </summary>
    public IReadOnlyList<HistoryEvent> History => (IReadOnlyList<HistoryEvent>?)_events ?? Inflate();

    public int HistoryLength { get; private set; }

    /// <summary>
    /// Keeps a closed run's history as protobuf bytes: a few KB instead of tens of KB of message
    /// objects, while describe, history fetch, replay and queries still get every event.
    /// </summary>
    public void CompactHistory()
    {
        if (_events is null)
        {
            return;
        }

        var history = new History();
        history.Events.AddRange(_events);
        _compactEvents = history.ToByteArray();
        _events = null;
    }

    private RepeatedField<HistoryEvent> Inflate() => Temporalio.Api.History.V1.History.Parser.ParseFrom(_compactEvents).Events;

    /// <summary>
    /// Events that arrived while a workflow task was in flight. The SDK requires the task's
    /// history to end at its WorkflowTaskStarted event, so they are appended (and get their ids)
    /// only once the task completes or fails.
    /// </summary>
    public List<Action> Buffered { get; } = [];

    /// <summary>History long polls waiting for any new event.</summary>
    public List<TaskCompletionSource> HistoryWaiters { get; } = [];

    /// <summary>Long polls waiting for the close event only (e.g. every pending workflow result): woken once, on close.</summary>
    public List<TaskCompletionSource> CloseWaiters { get; } = [];

    // --- workflow task --------------------------------------------------------------------

    public WorkflowTaskState TaskState { get; set; }

    public long TaskScheduledEventId { get; set; }

    public long TaskStartedEventId { get; set; }

    public int TaskAttempt { get; set; } = 1;

    public DateTime TaskScheduledTime { get; set; }

    public DateTime TaskStartedTime { get; set; }

    public bool TaskOnSticky { get; set; }

    public TimerEntry? TaskTimer { get; set; }

    /// <summary>Started event id of the last completed workflow task (the SDK's previous_started_event_id).</summary>
    public long LastCompletedStartedEventId { get; set; }

    public string? StickyQueue { get; set; }

    public TimeSpan StickyScheduleToStartTimeout { get; set; } = TimeSpan.FromSeconds(10);

    // --- pending work ---------------------------------------------------------------------

    public Dictionary<long, ActivityState> Activities { get; } = [];

    public Dictionary<string, UserTimer> Timers { get; } = [];

    public Dictionary<long, ChildState> Children { get; } = [];

    public Dictionary<string, UpdateState> Updates { get; } = [];

    public List<QueryState> PendingQueries { get; } = [];

    public List<TimerEntry> WorkflowTimeouts { get; } = [];

    public bool CancelRequested { get; set; }

    public HistoryEvent? CloseEvent { get; set; }

    public long NextEventId => HistoryLength + 1;

    public WorkflowExecution Execution => new() { WorkflowId = WorkflowId, RunId = RunId };

    /// <summary>Appends an event with the next id and the given virtual time, waking history long polls.</summary>
    public HistoryEvent Append(HistoryEvent evt, DateTime now)
    {
        evt.EventId = NextEventId;
        evt.EventTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(now);
        evt.TaskId = evt.EventId;

        // Nothing is expected to append after close; should it happen, go back to the object list.
        if (_events is null)
        {
            _events = [.. Inflate()];
            _compactEvents = null;
        }

        _events.Add(evt);
        HistoryLength++;
        Wake(HistoryWaiters);
        return evt;
    }

    /// <summary>Wakes the long polls waiting for this run to close.</summary>
    public void NotifyClosed() => Wake(CloseWaiters);

    private static void Wake(List<TaskCompletionSource> waiters)
    {
        foreach (var waiter in waiters)
        {
            waiter.TrySetResult();
        }

        waiters.Clear();
    }

    public string BusyKey => "wft:" + RunId;
}

internal enum ActivityPhase
{
    Scheduled,
    Started,
    Backoff,
}

internal sealed class ActivityState
{
    public required long ScheduledEventId { get; init; }

    public required Temporalio.Api.Command.V1.ScheduleActivityTaskCommandAttributes Command { get; init; }

    public required Temporalio.Api.Common.V1.RetryPolicy RetryPolicy { get; init; }

    public required DateTime ScheduledTime { get; init; }

    public TimeSpan? ScheduleToClose { get; init; }

    public TimeSpan? ScheduleToStart { get; init; }

    public TimeSpan StartToClose { get; init; }

    public TimeSpan? Heartbeat { get; init; }

    public ActivityPhase Phase { get; set; }

    public int Attempt { get; set; } = 1;

    public DateTime CurrentAttemptScheduledTime { get; set; }

    public DateTime? StartedTime { get; set; }

    public string StartedIdentity { get; set; } = "";

    public string StartedRequestId { get; set; } = "";

    public Payloads? HeartbeatDetails { get; set; }

    public DateTime? LastHeartbeatTime { get; set; }

    public Temporalio.Api.Failure.V1.Failure? LastFailure { get; set; }

    public bool CancelRequested { get; set; }

    public long CancelRequestedEventId { get; set; }

    /// <summary>Per-attempt timers (schedule-to-start, start-to-close, heartbeat, backoff).</summary>
    public List<TimerEntry> AttemptTimers { get; } = [];

    public TimerEntry? ScheduleToCloseTimer { get; set; }

    public TimerEntry? HeartbeatTimer { get; set; }

    public string ActivityId => Command.ActivityId;

    public string BusyKey(string runId) => $"act:{runId}:{ScheduledEventId}";

    public void CancelAttemptTimers()
    {
        foreach (var t in AttemptTimers)
        {
            t.Cancel();
        }

        AttemptTimers.Clear();
        HeartbeatTimer?.Cancel();
        HeartbeatTimer = null;
    }
}

internal sealed class UserTimer
{
    public required string TimerId { get; init; }

    public required long StartedEventId { get; init; }

    public required TimerEntry Entry { get; init; }
}

internal sealed class ChildState
{
    public required long InitiatedEventId { get; init; }

    public required string Namespace { get; init; }

    public required string WorkflowId { get; init; }

    public required string WorkflowType { get; init; }

    public ParentClosePolicy ParentClosePolicy { get; init; }

    public string? RunId { get; set; }

    public long StartedEventId { get; set; }
}

internal enum UpdateStage
{
    Requested,
    Accepted,
    Completed,
}

internal sealed class UpdateState
{
    public required string UpdateId { get; init; }

    public required Temporalio.Api.Update.V1.Request Request { get; init; }

    public UpdateStage Stage { get; set; }

    /// <summary>Scheduled event id of the workflow task the request went out with; 0 while undelivered.</summary>
    public long DeliveredInTask { get; set; }

    public Temporalio.Api.Update.V1.Outcome? Outcome { get; set; }

    public long AcceptedEventId { get; set; }

    public List<TaskCompletionSource> Waiters { get; } = [];

    /// <summary>Set when the workflow closed before completing the update.</summary>
    public bool Abandoned { get; set; }

    public void Notify()
    {
        foreach (var w in Waiters)
        {
            w.TrySetResult();
        }

        Waiters.Clear();
    }
}

internal sealed class QueryState
{
    public required string QueryId { get; init; }

    public required WorkflowRun Run { get; init; }

    public required Temporalio.Api.Query.V1.WorkflowQuery Query { get; init; }

    public bool Dispatched { get; set; }

    public TaskCompletionSource<Temporalio.Api.WorkflowService.V1.RespondQueryTaskCompletedRequest> Result { get; } =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string BusyKey => "qry:" + QueryId;
}
