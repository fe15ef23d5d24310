using Temporalio.Api.Enums.V1;
using Temporalio.Common;

namespace Commerce.OfflineTemporal.Tests;

/// <summary>Issue item 8: full history, long poll for the close event, and histories that replay cleanly.</summary>
public class HistoryTests
{
    [Fact]
    public async Task FetchHistory_CompletedWorkflow_HasConsecutiveIdsAndEndsWithCompletion()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<GreetWorkflow>().AddAllActivities(new GreetActivities()), async () =>
        {
            var handle = await server.Client.StartWorkflowAsync((GreetWorkflow w) => w.RunAsync(new("h")), Server.Options(tq));
            await handle.GetResultAsync();
            var history = await handle.FetchHistoryAsync();

            Assert.Equal(Enumerable.Range(1, history.Events.Count).Select(i => (long)i), history.Events.Select(e => e.EventId));
            Assert.Equal(EventType.WorkflowExecutionStarted, history.Events.First().EventType);
            Assert.Equal(EventType.WorkflowExecutionCompleted, history.Events.Last().EventType);
            Assert.Equal(2, history.Events.Count(e => e.EventType == EventType.ActivityTaskCompleted));
        });
    }

    [Fact]
    public async Task GetResult_LongPollOutlivesPollTimeout_StillReturnsResult()
    {
        await using var server = await OfflineTemporalServer.StartAsync(new() { LongPollTimeout = TimeSpan.FromMilliseconds(200) });
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<TimerWorkflow>(), async () =>
        {
            var handle = await server.Client.StartWorkflowAsync((TimerWorkflow w) => w.RunAsync(TimeSpan.FromMilliseconds(900), false), Server.Options(tq));
            var result = await handle.GetResultAsync();
            Assert.True(result.Elapsed >= TimeSpan.FromMilliseconds(900));
        });
    }

    [Fact]
    public async Task GetResult_WaitingWorkflow_CompletesWhenWorkflowCloses()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<WaitingWorkflow>(), async () =>
        {
            var handle = await server.Client.StartWorkflowAsync((WaitingWorkflow w) => w.RunAsync(1), Server.Options(tq));
            var result = handle.GetResultAsync();
            Assert.Equal(0, await handle.QueryAsync(w => w.SignalCount()));
            Assert.False(result.IsCompleted);
            await handle.SignalAsync(w => w.SignalAsync("close"));
            Assert.Equal("close", await result);
        });
    }

    [Fact]
    public async Task Replay_HistoriesProducedByServer_ReplayWithoutNondeterminism()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        var histories = new List<WorkflowHistory>();
        var worker = Server.Worker(tq)
            .AddWorkflow<GreetWorkflow>().AddWorkflow<WaitingWorkflow>().AddWorkflow<TimerWorkflow>()
            .AddWorkflow<ParentWorkflow>().AddWorkflow<ChildWorkflow>().AddWorkflow<FlakyWorkflow>()
            .AddWorkflow<CompensatingWorkflow>().AddWorkflow<InFlightSignalWorkflow>()
            .AddAllActivities(new GreetActivities()).AddAllActivities(new SagaActivities()).AddAllActivities(new BlockingLocalActivities());
        await Server.RunWorkerAsync(server.Client, worker, async () =>
        {
            var greet = await server.Client.StartWorkflowAsync((GreetWorkflow w) => w.RunAsync(new("r")), Server.Options(tq));
            await greet.GetResultAsync();
            histories.Add(await greet.FetchHistoryAsync());

            var waiting = await server.Client.StartWorkflowAsync((WaitingWorkflow w) => w.RunAsync(2), Server.Options(tq));
            await waiting.ExecuteUpdateAsync(w => w.AddAsync(1));
            await Assert.ThrowsAsync<WorkflowUpdateFailedException>(() => waiting.ExecuteUpdateAsync(w => w.AddAsync(-1)));
            await waiting.SignalAsync(w => w.SignalAsync("a"));
            await waiting.SignalAsync(w => w.SignalAsync("b"));
            await waiting.GetResultAsync();
            histories.Add(await waiting.FetchHistoryAsync());

            var timer = await server.Client.StartWorkflowAsync((TimerWorkflow w) => w.RunAsync(TimeSpan.FromDays(2), true), Server.Options(tq));
            await timer.GetResultAsync();
            histories.Add(await timer.FetchHistoryAsync());

            var parent = await server.Client.StartWorkflowAsync((ParentWorkflow w) => w.RunAsync(new(Server.NewId("child"), "fail")), Server.Options(tq));
            await parent.GetResultAsync();
            histories.Add(await parent.FetchHistoryAsync());

            var flaky = await server.Client.StartWorkflowAsync((FlakyWorkflow w) => w.RunAsync(), Server.Options(tq));
            await flaky.GetResultAsync();
            histories.Add(await flaky.FetchHistoryAsync());
        });

        var replayer = new WorkflowReplayer(new WorkflowReplayerOptions()
            .AddWorkflow<GreetWorkflow>().AddWorkflow<WaitingWorkflow>().AddWorkflow<TimerWorkflow>()
            .AddWorkflow<ParentWorkflow>().AddWorkflow<FlakyWorkflow>());
        foreach (var history in histories)
        {
            var result = await replayer.ReplayWorkflowAsync(history);
            Assert.Null(result.ReplayFailure);
        }
    }
}
