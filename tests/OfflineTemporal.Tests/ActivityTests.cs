using Temporalio.Api.Enums.V1;
using Temporalio.Common;

namespace Commerce.OfflineTemporal.Tests;

/// <summary>Issue item 2: activity completion, retry policy, the four timeouts, heartbeats, cancellation.</summary>
public class ActivityTests
{
    private static async Task<(string? Result, Exception? Error)> RunAsync(ScriptedActivities activities, ActivityCall call, bool timeSkipping = true)
    {
        await using var server = await Server.StartAsync(timeSkipping);
        var tq = Server.NewTaskQueue();
        (string?, Exception?) outcome = default;
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<ActivityWorkflow>().AddAllActivities(activities), async () =>
        {
            try
            {
                outcome = (await server.Client.ExecuteWorkflowAsync((ActivityWorkflow w) => w.RunAsync(call), Server.Options(tq)), null);
            }
            catch (WorkflowFailedException e)
            {
                outcome = (null, e.InnerException);
            }
        });
        return outcome;
    }

    private static T InnerOf<T>(Exception? error)
        where T : Exception
    {
        var activityFailure = Assert.IsType<ActivityFailureException>(error);
        return Assert.IsType<T>(activityFailure.InnerException);
    }

    [Fact]
    public async Task Activity_Completes_ReturnsResult()
    {
        var (result, error) = await RunAsync(new ScriptedActivities(), new ActivityCall("ok", StartToClose: TimeSpan.FromSeconds(10)));
        Assert.Null(error);
        Assert.Equal("ok", result);
    }

    [Fact]
    public async Task Activity_FailsThenSucceeds_RetriesWithCappedExponentialBackoff()
    {
        var activities = new ScriptedActivities { SucceedOnAttempt = 4 };
        var retry = new RetryPolicy { InitialInterval = TimeSpan.FromSeconds(1), BackoffCoefficient = 2, MaximumInterval = TimeSpan.FromSeconds(3) };
        var (result, error) = await RunAsync(activities, new ActivityCall("fail", retry, StartToClose: TimeSpan.FromSeconds(10)));

        Assert.Null(error);
        Assert.Equal("ok after 4", result);
        var times = activities.AttemptTimes;
        Assert.Equal(4, times.Count);
        AssertGap(times[0], times[1], TimeSpan.FromSeconds(1));
        AssertGap(times[1], times[2], TimeSpan.FromSeconds(2));
        AssertGap(times[2], times[3], TimeSpan.FromSeconds(3));
    }

    private static void AssertGap(DateTime earlier, DateTime later, TimeSpan expected)
    {
        var gap = later - earlier;
        Assert.InRange(gap, expected, expected + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Activity_MaximumAttemptsReached_FailsWorkflowWithApplicationFailure()
    {
        var activities = new ScriptedActivities();
        var retry = new RetryPolicy { InitialInterval = TimeSpan.FromSeconds(1), MaximumAttempts = 3 };
        var (_, error) = await RunAsync(activities, new ActivityCall("fail", retry, StartToClose: TimeSpan.FromSeconds(10)));

        var app = InnerOf<ApplicationFailureException>(error);
        Assert.Equal("Transient", app.ErrorType);
        Assert.Equal(RetryState.MaximumAttemptsReached, ((ActivityFailureException)error!).RetryState);
        Assert.Equal(3, activities.AttemptTimes.Count);
    }

    [Fact]
    public async Task Activity_NonRetryableErrorType_IsNotRetried()
    {
        var activities = new ScriptedActivities();
        var retry = new RetryPolicy { NonRetryableErrorTypes = ["Fatal"] };
        var (_, error) = await RunAsync(activities, new ActivityCall("fatal-type", retry, StartToClose: TimeSpan.FromSeconds(10)));

        Assert.Equal("Fatal", InnerOf<ApplicationFailureException>(error).ErrorType);
        Assert.Equal(RetryState.NonRetryableFailure, ((ActivityFailureException)error!).RetryState);
        Assert.Single(activities.AttemptTimes);
    }

    [Fact]
    public async Task Activity_FailureFlaggedNonRetryable_IsNotRetried()
    {
        var activities = new ScriptedActivities();
        var (_, error) = await RunAsync(activities, new ActivityCall("non-retryable", StartToClose: TimeSpan.FromSeconds(10)));

        Assert.True(InnerOf<ApplicationFailureException>(error).NonRetryable);
        Assert.Single(activities.AttemptTimes);
    }

    [Fact]
    public async Task Activity_FailureWithNextRetryDelay_OverridesPolicyBackoff()
    {
        var activities = new ScriptedActivities();
        var retry = new RetryPolicy { InitialInterval = TimeSpan.FromSeconds(1) };
        var (result, _) = await RunAsync(activities, new ActivityCall("next-retry-delay", retry, StartToClose: TimeSpan.FromSeconds(10)));

        Assert.Equal("ok", result);
        AssertGap(activities.AttemptTimes[0], activities.AttemptTimes[1], TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task Activity_StartToCloseTimeout_RetriedThenTimesOut()
    {
        var activities = new ScriptedActivities();
        var retry = new RetryPolicy { InitialInterval = TimeSpan.FromMilliseconds(100), MaximumAttempts = 2 };
        var (_, error) = await RunAsync(activities, new ActivityCall("hang", retry, StartToClose: TimeSpan.FromMilliseconds(300)));

        Assert.Equal(TimeoutType.StartToClose, InnerOf<TimeoutFailureException>(error).TimeoutType);
        Assert.Equal(2, activities.AttemptTimes.Count);
    }

    [Fact]
    public async Task Activity_ScheduleToStartTimeout_NoWorkerOnQueue_TimesOut()
    {
        var (_, error) = await RunAsync(
            new ScriptedActivities(),
            new ActivityCall("ok", StartToClose: TimeSpan.FromSeconds(10), ScheduleToStart: TimeSpan.FromMilliseconds(300), TaskQueue: "nobody-polls-this"));

        Assert.Equal(TimeoutType.ScheduleToStart, InnerOf<TimeoutFailureException>(error).TimeoutType);
    }

    [Fact]
    public async Task Activity_ScheduleToCloseTimeout_TimesOut()
    {
        var (_, error) = await RunAsync(
            new ScriptedActivities(),
            new ActivityCall("hang", StartToClose: TimeSpan.FromSeconds(10), ScheduleToClose: TimeSpan.FromMilliseconds(400)));

        Assert.Equal(TimeoutType.ScheduleToClose, InnerOf<TimeoutFailureException>(error).TimeoutType);
    }

    [Fact]
    public async Task Activity_HeartbeatTimeout_RetriesWithLastHeartbeatDetails()
    {
        var activities = new ScriptedActivities();
        var retry = new RetryPolicy { InitialInterval = TimeSpan.FromMilliseconds(100), MaximumAttempts = 2 };
        var (result, error) = await RunAsync(
            activities,
            new ActivityCall("heartbeat-then-hang", retry, StartToClose: TimeSpan.FromSeconds(30), Heartbeat: TimeSpan.FromMilliseconds(400)));

        Assert.Null(error);
        Assert.Equal("resumed from step-7", result);
        Assert.Equal("step-7", activities.HeartbeatSeenOnRetry);
    }

    [Fact]
    public async Task Activity_HeartbeatTimeoutOnLastAttempt_ReportsHeartbeatTimeout()
    {
        var retry = new RetryPolicy { MaximumAttempts = 1 };
        var (_, error) = await RunAsync(
            new ScriptedActivities(),
            new ActivityCall("hang", retry, StartToClose: TimeSpan.FromSeconds(30), Heartbeat: TimeSpan.FromMilliseconds(300)));

        Assert.Equal(TimeoutType.Heartbeat, InnerOf<TimeoutFailureException>(error).TimeoutType);
    }

    [Fact]
    public async Task Activity_CancelledByWorkflow_ActivitySeesCancellation()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        var activities = new CancellableActivities();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<CancelActivityWorkflow>().AddAllActivities(activities), async () =>
        {
            var handle = await server.Client.StartWorkflowAsync((CancelActivityWorkflow w) => w.RunAsync(), Server.Options(tq));
            await activities.Started.Task;
            await handle.SignalAsync(w => w.CancelActivityAsync());

            Assert.Equal("activity cancelled", await handle.GetResultAsync());
            await activities.Cancelled.Task;
        });
    }

    /// <summary>
    /// The cancel request an update handler makes is a command in the same completion as the update's acceptance and
    /// response: its ActivityTaskCancelRequested must be in the history between them, or the history no longer replays
    /// (the SDK fails the next workflow task with a nondeterminism error and the workflow stops making progress).
    /// </summary>
    [Fact]
    public async Task Activity_CancelledByAnUpdate_IsRecordedAndTheHistoryReplays()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        var activities = new CancellableActivities();
        WorkflowHistory? history = null;
        await Server.RunWorkerAsync(server.Client,
            Server.Worker(tq).AddWorkflow<UpdateCancelsActivityWorkflow>().AddAllActivities(activities).AddAllActivities(new GreetActivities()),
            async () =>
            {
                var handle = await server.Client.StartWorkflowAsync((UpdateCancelsActivityWorkflow w) => w.RunAsync(), Server.Options(tq));
                await activities.Started.Task;

                Assert.Equal("cancelling", await handle.ExecuteUpdateAsync(w => w.CancelStepAsync()));
                Assert.Equal("Hello, compensation", await handle.GetResultAsync());
                history = await handle.FetchHistoryAsync();
            });

        var types = history!.Events.Select(e => e.EventType).ToList();
        Assert.True(types.IndexOf(EventType.WorkflowExecutionUpdateAccepted) < types.IndexOf(EventType.ActivityTaskCancelRequested)
                    && types.IndexOf(EventType.ActivityTaskCancelRequested) < types.IndexOf(EventType.WorkflowExecutionUpdateCompleted),
            string.Join(", ", types));
        var replay = await new WorkflowReplayer(new WorkflowReplayerOptions().AddWorkflow<UpdateCancelsActivityWorkflow>())
            .ReplayWorkflowAsync(history, throwOnReplayFailure: false);
        Assert.Null(replay.ReplayFailure);
    }

    /// <summary>
    /// An activity whose cancellation was requested is not tried again when it fails: the failure closes it with retry
    /// state CancelRequested, as on Temporal, so a workflow waiting for the cancellation is not held up by the rest of
    /// the retry budget.
    /// </summary>
    [Fact]
    public async Task Activity_FailingAfterItsCancelRequest_IsNotRetried()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        var activities = new ReleasedActivities();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<WaitForCancelledActivityWorkflow>().AddAllActivities(activities), async () =>
        {
            var handle = await server.Client.StartWorkflowAsync((WaitForCancelledActivityWorkflow w) => w.RunAsync(), Server.Options(tq));
            await activities.Started.Task;
            await handle.SignalAsync(w => w.CancelAsync());
            // The activity fails only once the server has recorded the cancel request.
            while (!(await handle.FetchHistoryAsync()).Events.Any(e => e.EventType == EventType.ActivityTaskCancelRequested))
            {
                await Task.Delay(20);
            }

            activities.Release.SetResult();

            Assert.Equal(nameof(RetryState.CancelRequested), await handle.GetResultAsync());
            Assert.Equal(1, activities.Attempts);
        });
    }
}
