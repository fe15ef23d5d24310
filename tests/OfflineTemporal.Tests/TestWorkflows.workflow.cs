using Temporalio.Activities;
using Temporalio.Common;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Commerce.OfflineTemporal.Tests;

public record GreetInput(string Name);

public class GreetActivities
{
    [Activity]
    public string Greet(GreetInput input) => $"Hello, {input.Name}";
}

[Workflow]
public class GreetWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(GreetInput input)
    {
        var first = await Workflow.ExecuteActivityAsync((GreetActivities a) => a.Greet(input), new() { StartToCloseTimeout = TimeSpan.FromSeconds(10) });
        var second = await Workflow.ExecuteActivityAsync((GreetActivities a) => a.Greet(new GreetInput(first)), new() { StartToCloseTimeout = TimeSpan.FromSeconds(10) });
        return second;
    }
}

/// <summary>Waits for a signal; queries and updates read and change its state.</summary>
[Workflow]
public class WaitingWorkflow
{
    private readonly List<string> _signals = [];
    private int _total;

    [WorkflowRun]
    public async Task<string> RunAsync(int expectedSignals)
    {
        await Workflow.WaitConditionAsync(() => _signals.Count >= expectedSignals);
        return string.Join(",", _signals);
    }

    [WorkflowSignal]
    public Task SignalAsync(string value)
    {
        _signals.Add(value);
        return Task.CompletedTask;
    }

    [WorkflowQuery]
    public int SignalCount() => _signals.Count;

    [WorkflowUpdate]
    public Task<int> AddAsync(int amount)
    {
        _total += amount;
        return Task.FromResult(_total);
    }

    [WorkflowUpdateValidator(nameof(AddAsync))]
    public void ValidateAdd(int amount)
    {
        if (amount < 0)
        {
            throw new ApplicationFailureException("amount must not be negative");
        }
    }
}

public record SagaInput(string OrderId);

public class SagaActivities
{
    public TaskCompletionSource Reserved { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<string> Compensated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Activity]
    public void Reserve(SagaInput input) => Reserved.TrySetResult();

    [Activity]
    public void Release(SagaInput input) => Compensated.TrySetResult(input.OrderId);
}

/// <summary>Compensation on cancellation runs with a detached token, as our order saga does.</summary>
[Workflow]
public class CompensatingWorkflow
{
    [WorkflowRun]
    public async Task RunAsync(SagaInput input)
    {
        var options = new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(10) };
        await Workflow.ExecuteActivityAsync((SagaActivities a) => a.Reserve(input), options);
        try
        {
            await Workflow.WaitConditionAsync(() => false);
        }
        catch (OperationCanceledException)
        {
            using var detached = new CancellationTokenSource();
            await Workflow.ExecuteActivityAsync(
                (SagaActivities a) => a.Release(input),
                new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(10), CancellationToken = detached.Token });
            throw;
        }
    }
}

public record ActivityCall(string Mode, RetryPolicy? Retry = null, TimeSpan? StartToClose = null, TimeSpan? ScheduleToClose = null, TimeSpan? ScheduleToStart = null, TimeSpan? Heartbeat = null, string? TaskQueue = null);

/// <summary>Runs one activity of <see cref="ScriptedActivities"/> with the given options.</summary>
[Workflow]
public class ActivityWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(ActivityCall call)
    {
        var options = new ActivityOptions
        {
            RetryPolicy = call.Retry,
            StartToCloseTimeout = call.StartToClose,
            ScheduleToCloseTimeout = call.ScheduleToClose,
            ScheduleToStartTimeout = call.ScheduleToStart,
            HeartbeatTimeout = call.Heartbeat,
            TaskQueue = call.TaskQueue,
        };
        return await Workflow.ExecuteActivityAsync((ScriptedActivities a) => a.RunAsync(call.Mode), options);
    }
}

public class ScriptedActivities
{
    private readonly List<DateTime> _attemptTimes = [];

    public IReadOnlyList<DateTime> AttemptTimes
    {
        get
        {
            lock (_attemptTimes)
            {
                return [.. _attemptTimes];
            }
        }
    }

    public int SucceedOnAttempt { get; init; } = int.MaxValue;

    public string? HeartbeatSeenOnRetry { get; private set; }

    [Activity]
    public async Task<string> RunAsync(string mode)
    {
        var info = ActivityExecutionContext.Current.Info;
        lock (_attemptTimes)
        {
            _attemptTimes.Add(info.CurrentAttemptScheduledTime);
        }

        var ct = ActivityExecutionContext.Current.CancellationToken;
        switch (mode)
        {
            case "fail":
                if (info.Attempt >= SucceedOnAttempt)
                {
                    return $"ok after {info.Attempt}";
                }

                throw new ApplicationFailureException($"attempt {info.Attempt} failed", errorType: "Transient");
            case "fatal-type":
                throw new ApplicationFailureException("fatal", errorType: "Fatal");
            case "non-retryable":
                throw new ApplicationFailureException("no retry", nonRetryable: true);
            case "next-retry-delay":
                if (info.Attempt >= 2)
                {
                    return "ok";
                }

                throw new ApplicationFailureException("later", nextRetryDelay: TimeSpan.FromMinutes(10));
            case "hang":
                await Task.Delay(Timeout.Infinite, ct);
                return "unreachable";
            case "heartbeat-then-hang":
                if (info.Attempt > 1)
                {
                    HeartbeatSeenOnRetry = await info.HeartbeatDetailAtAsync<string>(0);
                    return "resumed from " + HeartbeatSeenOnRetry;
                }

                ActivityExecutionContext.Current.Heartbeat("step-7");
                await Task.Delay(Timeout.Infinite, ct);
                return "unreachable";
            default:
                return "ok";
        }
    }
}

public class CancellableActivities
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Activity]
    public async Task LongRunningAsync()
    {
        Started.TrySetResult();
        var ct = ActivityExecutionContext.Current.CancellationToken;
        try
        {
            while (true)
            {
                ActivityExecutionContext.Current.Heartbeat();
                await Task.Delay(50, ct);
            }
        }
        catch (OperationCanceledException)
        {
            Cancelled.TrySetResult();
            throw;
        }
    }
}

[Workflow]
public class CancelActivityWorkflow
{
    private bool _cancel;

    [WorkflowRun]
    public async Task<string> RunAsync()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Workflow.CancellationToken);
        var activity = Workflow.ExecuteActivityAsync(
            (CancellableActivities a) => a.LongRunningAsync(),
            new()
            {
                StartToCloseTimeout = TimeSpan.FromMinutes(5),
                HeartbeatTimeout = TimeSpan.FromSeconds(5),
                CancellationToken = cts.Token,
                CancellationType = ActivityCancellationType.WaitCancellationCompleted,
            });
        await Workflow.WaitConditionAsync(() => _cancel);
        cts.Cancel();
        try
        {
            await activity;
            return "completed";
        }
        catch (ActivityFailureException e) when (e.InnerException is CanceledFailureException)
        {
            return "activity cancelled";
        }
    }

    [WorkflowSignal]
    public Task CancelActivityAsync()
    {
        _cancel = true;
        return Task.CompletedTask;
    }
}

public record TimerResult(TimeSpan Elapsed, bool Cancelled);

[Workflow]
public class TimerWorkflow
{
    [WorkflowRun]
    public async Task<TimerResult> RunAsync(TimeSpan wait, bool cancelEarly)
    {
        var before = Workflow.UtcNow;
        if (cancelEarly)
        {
            using var cts = new CancellationTokenSource();
            var timer = Workflow.DelayAsync(wait, cts.Token);
            await Workflow.DelayAsync(TimeSpan.FromSeconds(1));
            cts.Cancel();
            try
            {
                await timer;
            }
            catch (TaskCanceledException)
            {
                return new TimerResult(Workflow.UtcNow - before, true);
            }
        }

        await Workflow.DelayAsync(wait);
        return new TimerResult(Workflow.UtcNow - before, false);
    }
}

public class BlockingLocalActivities
{
    public TaskCompletionSource Running { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Activity]
    public async Task BlockAsync()
    {
        Running.TrySetResult();
        await Release.Task;
    }
}

/// <summary>A local activity keeps the workflow task in flight, so a signal sent meanwhile must be buffered.</summary>
[Workflow]
public class InFlightSignalWorkflow
{
    private string? _signal;

    [WorkflowRun]
    public async Task<string> RunAsync()
    {
        await Workflow.ExecuteLocalActivityAsync((BlockingLocalActivities a) => a.BlockAsync(), new() { StartToCloseTimeout = TimeSpan.FromSeconds(30) });
        await Workflow.WaitConditionAsync(() => _signal is not null);
        return _signal!;
    }

    [WorkflowSignal]
    public Task SignalAsync(string value)
    {
        _signal = value;
        return Task.CompletedTask;
    }
}

[Workflow]
public class ChildWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(string mode)
    {
        switch (mode)
        {
            case "fail":
                throw new ApplicationFailureException("child failed", errorType: "ChildError");
            case "wait":
                await Workflow.WaitConditionAsync(() => false);
                return "never";
            default:
                return "child:" + mode;
        }
    }
}

public record ParentInput(string ChildId, string Mode, ParentClosePolicy Policy = ParentClosePolicy.Terminate);

[Workflow]
public class ParentWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(ParentInput input)
    {
        var options = new ChildWorkflowOptions { Id = input.ChildId, ParentClosePolicy = input.Policy };
        if (input.Mode == "wait")
        {
            await Workflow.StartChildWorkflowAsync((ChildWorkflow c) => c.RunAsync("wait"), options);
            return "started child";
        }

        try
        {
            return await Workflow.ExecuteChildWorkflowAsync((ChildWorkflow c) => c.RunAsync(input.Mode), options);
        }
        catch (ChildWorkflowFailureException e) when (e.InnerException is ApplicationFailureException app)
        {
            return "child failure: " + app.ErrorType;
        }
    }
}

[Workflow]
public class ContinueAsNewWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(int remaining)
    {
        if (remaining > 0)
        {
            throw Workflow.CreateContinueAsNewException((ContinueAsNewWorkflow w) => w.RunAsync(remaining - 1));
        }

        await Task.CompletedTask;
        return "done in run " + Workflow.Info.RunId;
    }
}

/// <summary>Continues as new every hour forever: only the execution timeout can stop it.</summary>
[Workflow]
public class EndlessWorkflow
{
    [WorkflowRun]
    public async Task RunAsync()
    {
        await Workflow.DelayAsync(TimeSpan.FromHours(1));
        throw Workflow.CreateContinueAsNewException((EndlessWorkflow w) => w.RunAsync());
    }
}

public static class SagaAttributes
{
    public static readonly SearchAttributeKey<string> OrderStatus = SearchAttributeKey.CreateKeyword("OrderStatus");
    public static readonly SearchAttributeKey<long> ItemCount = SearchAttributeKey.CreateLong("ItemCount");
    public static readonly SearchAttributeKey<bool> NeedsAttention = SearchAttributeKey.CreateBool("NeedsAttention");
    public static readonly SearchAttributeKey<DateTimeOffset> DueAt = SearchAttributeKey.CreateDateTimeOffset("DueAt");
}

/// <summary>Upserts search attributes when signalled, then waits for the "finish" signal.</summary>
[Workflow]
public class SearchableWorkflow
{
    private string? _status;
    private bool _finish;

    [WorkflowRun]
    public async Task RunAsync()
    {
        while (!_finish)
        {
            await Workflow.WaitConditionAsync(() => _status is not null || _finish);
            if (_status is { } status)
            {
                Workflow.UpsertTypedSearchAttributes(SagaAttributes.OrderStatus.ValueSet(status), SagaAttributes.NeedsAttention.ValueSet(status == "stuck"));
                _status = null;
            }
        }
    }

    [WorkflowSignal]
    public Task SetStatusAsync(string status)
    {
        _status = status;
        return Task.CompletedTask;
    }

    [WorkflowSignal]
    public Task FinishAsync()
    {
        _finish = true;
        return Task.CompletedTask;
    }

    [WorkflowQuery]
    public string? CurrentStatus() => Workflow.TypedSearchAttributes.TryGetValue(SagaAttributes.OrderStatus, out var status) ? status : null;
}

/// <summary>Fails its first workflow task with an unexpected exception (recorded as WorkflowTaskFailed, then retried).</summary>
[Workflow]
public class FlakyWorkflow
{
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Attempts = new();

    [WorkflowRun]
    public async Task<string> RunAsync()
    {
        if (Attempts.AddOrUpdate(Workflow.Info.WorkflowId, 1, (_, n) => n + 1) == 1 && !Workflow.Unsafe.IsReplaying)
        {
            throw new InvalidOperationException("boom on first workflow task");
        }

        await Workflow.DelayAsync(TimeSpan.FromMinutes(1));
        return "recovered";
    }
}

/// <summary>
/// An update cancels the running activity (the order saga's cancel during a step) and the workflow compensates with
/// another activity, all decided in the workflow task that accepts and completes the update.
/// </summary>
[Workflow]
public class UpdateCancelsActivityWorkflow
{
    private readonly CancellationTokenSource step = new();

    [WorkflowRun]
    public async Task<string> RunAsync()
    {
        try
        {
            await Workflow.ExecuteActivityAsync((CancellableActivities a) => a.LongRunningAsync(), new()
            {
                StartToCloseTimeout = TimeSpan.FromMinutes(5),
                HeartbeatTimeout = TimeSpan.FromSeconds(5),
                CancellationToken = step.Token,
            });
            return "completed";
        }
        catch (ActivityFailureException e) when (e.InnerException is CanceledFailureException)
        {
            return await Workflow.ExecuteActivityAsync((GreetActivities a) => a.Greet(new GreetInput("compensation")),
                new() { StartToCloseTimeout = TimeSpan.FromSeconds(10) });
        }
    }

    [WorkflowUpdate]
    public Task<string> CancelStepAsync()
    {
        step.Cancel();
        return Task.FromResult("cancelling");
    }
}

/// <summary>An activity that fails (retryably) when the test lets it, whatever its cancellation.</summary>
public class ReleasedActivities
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Attempts;

    [Activity]
    public async Task FailWhenReleasedAsync()
    {
        Interlocked.Increment(ref Attempts);
        Started.TrySetResult();
        await Release.Task;
        throw new ApplicationFailureException("failed after the cancel request");
    }
}

/// <summary>Cancels its activity on a signal and waits for the cancellation to complete (the order saga's steps).</summary>
[Workflow]
public class WaitForCancelledActivityWorkflow
{
    private readonly CancellationTokenSource step = new();

    [WorkflowRun]
    public async Task<string> RunAsync()
    {
        try
        {
            await Workflow.ExecuteActivityAsync((ReleasedActivities a) => a.FailWhenReleasedAsync(), new()
            {
                StartToCloseTimeout = TimeSpan.FromMinutes(1),
                RetryPolicy = new() { InitialInterval = TimeSpan.FromMilliseconds(10), MaximumAttempts = 5 },
                CancellationToken = step.Token,
                CancellationType = ActivityCancellationType.WaitCancellationCompleted,
            });
            return "completed";
        }
        catch (ActivityFailureException e)
        {
            return e.RetryState.ToString();
        }
    }

    [WorkflowSignal]
    public Task CancelAsync()
    {
        step.Cancel();
        return Task.CompletedTask;
    }
}
