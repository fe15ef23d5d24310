using Google.Protobuf.WellKnownTypes;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.TaskQueue.V1;

namespace Commerce.OfflineTemporal.Tests;

/// <summary>Issue item 7: workflow task failures and timeouts, sticky queues when a worker goes away.</summary>
public class WorkflowTaskTests
{
    [Fact]
    public async Task WorkflowTaskFailure_FirstAttemptThrows_RecordedAndRetried()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<FlakyWorkflow>(), async () =>
        {
            var handle = await server.Client.StartWorkflowAsync((FlakyWorkflow w) => w.RunAsync(), Server.Options(tq));
            Assert.Equal("recovered", await handle.GetResultAsync());

            var history = await handle.FetchHistoryAsync();
            var failed = Assert.Single(history.Events, e => e.EventType == EventType.WorkflowTaskFailed);
            Assert.Contains("boom", failed.WorkflowTaskFailedEventAttributes.Failure.Message, StringComparison.Ordinal);
            Assert.Contains(history.Events, e => e.EventType == EventType.WorkflowTaskScheduled && e.WorkflowTaskScheduledEventAttributes.Attempt == 2);
        });
    }

    [Fact]
    public async Task WorkflowTaskTimeout_WorkerNeverAnswers_TaskRedispatchedToAnotherWorker()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        var options = Server.Options(tq);
        options.TaskTimeout = TimeSpan.FromSeconds(1);
        var handle = await server.Client.StartWorkflowAsync((GreetWorkflow w) => w.RunAsync(new("late")), options);

        // A "worker" that takes the task and dies without answering.
        var taken = await server.Client.Connection.WorkflowService.PollWorkflowTaskQueueAsync(new()
        {
            Namespace = server.Namespace,
            TaskQueue = new TaskQueue { Name = tq, Kind = TaskQueueKind.Normal },
            Identity = "doomed-worker",
        });
        Assert.False(taken.TaskToken.IsEmpty);

        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<GreetWorkflow>().AddAllActivities(new GreetActivities()), async () =>
        {
            Assert.Equal("Hello, Hello, late", await handle.GetResultAsync());
            var history = await handle.FetchHistoryAsync();
            var timedOut = Assert.Single(history.Events, e => e.EventType == EventType.WorkflowTaskTimedOut);
            Assert.Equal(TimeoutType.StartToClose, timedOut.WorkflowTaskTimedOutEventAttributes.TimeoutType);
        });
    }

    [Fact]
    public async Task StickyQueue_WorkerDiesWithoutShutdown_NextTaskFallsBackToNormalQueue()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        var handle = await server.Client.StartWorkflowAsync((WaitingWorkflow w) => w.RunAsync(1), Server.Options(tq));

        // A worker completes the first task, pins the run to its sticky queue, then vanishes
        // without calling ShutdownWorker.
        var service = server.Client.Connection.WorkflowService;
        var task = await service.PollWorkflowTaskQueueAsync(new()
        {
            Namespace = server.Namespace,
            TaskQueue = new TaskQueue { Name = tq, Kind = TaskQueueKind.Normal },
            Identity = "vanishing-worker",
        });
        await service.RespondWorkflowTaskCompletedAsync(new()
        {
            Namespace = server.Namespace,
            TaskToken = task.TaskToken,
            Identity = "vanishing-worker",
            StickyAttributes = new StickyExecutionAttributes
            {
                WorkerTaskQueue = new TaskQueue { Name = "sticky-of-dead-worker", Kind = TaskQueueKind.Sticky, NormalName = tq },
                ScheduleToStartTimeout = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(500)),
            },
        });

        await handle.SignalAsync(w => w.SignalAsync("after-crash"));
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<WaitingWorkflow>(), async () =>
        {
            Assert.Equal("after-crash", await handle.GetResultAsync());
            var history = await handle.FetchHistoryAsync();
            var timedOut = Assert.Single(history.Events, e => e.EventType == EventType.WorkflowTaskTimedOut);
            Assert.Equal(TimeoutType.ScheduleToStart, timedOut.WorkflowTaskTimedOutEventAttributes.TimeoutType);
        });
    }

    [Fact]
    public async Task StickyQueue_WorkerShutsDownCleanly_NewWorkerContinuesAtOnce()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        var options = Server.Worker(tq).AddWorkflow<WaitingWorkflow>();
        options.StickyQueueScheduleToStartTimeout = TimeSpan.FromMinutes(5);
        WorkflowHandle<WaitingWorkflow, string>? handle = null;
        await Server.RunWorkerAsync(server.Client, options, async () =>
        {
            handle = await server.Client.StartWorkflowAsync((WaitingWorkflow w) => w.RunAsync(2), Server.Options(tq));
            await handle.SignalAsync(w => w.SignalAsync("one"));
            Assert.Equal(1, await handle.QueryAsync(w => w.SignalCount()));
        });

        await handle!.SignalAsync(w => w.SignalAsync("two"));
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<WaitingWorkflow>(), async () =>
        {
            Assert.Equal("one,two", await handle.GetResultAsync());
            var history = await handle.FetchHistoryAsync();
            Assert.DoesNotContain(history.Events, e => e.EventType == EventType.WorkflowTaskTimedOut);
        });
    }
}
