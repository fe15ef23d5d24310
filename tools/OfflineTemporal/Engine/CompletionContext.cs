namespace Commerce.OfflineTemporal.Engine;

/// <summary>State shared by the commands of one workflow task completion.</summary>
internal sealed class CompletionContext(WorkflowRun run, long completedEventId, string identity)
{
    public WorkflowRun Run { get; } = run;

    /// <summary>The WorkflowTaskCompleted event id that command events point back to.</summary>
    public long CompletedEventId { get; } = completedEventId;

    public string Identity { get; } = identity;

    /// <summary>A command produced an event the workflow must see (e.g. an activity cancelled before it started).</summary>
    public bool NeedsNewTask { get; set; }

    /// <summary>
    /// Work on other executions (start a child, signal or cancel another workflow) that must run
    /// after this task's events are in history, so the resulting events land after them.
    /// </summary>
    public List<Action> AfterCommit { get; } = [];

    /// <summary>Activities the worker asked to run eagerly: handed back in the completion response instead of a poll.</summary>
    public List<ActivityState> Eager { get; } = [];
}
