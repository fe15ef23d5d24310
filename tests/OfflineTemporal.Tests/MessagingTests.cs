using Temporalio.Api.Enums.V1;

namespace Commerce.OfflineTemporal.Tests;

/// <summary>Issue item 4: signals, signal-with-start, queries, updates with validators, update-with-start.</summary>
public class MessagingTests
{
    [Fact]
    public async Task Signal_WhileWorkflowTaskInFlight_IsBufferedAndDelivered()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        var local = new BlockingLocalActivities();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<InFlightSignalWorkflow>().AddAllActivities(local), async () =>
        {
            var handle = await server.Client.StartWorkflowAsync((InFlightSignalWorkflow w) => w.RunAsync(), Server.Options(tq));
            await local.Running.Task;
            await handle.SignalAsync(w => w.SignalAsync("during-task"));
            local.Release.SetResult();

            Assert.Equal("during-task", await handle.GetResultAsync());
        });
    }

    [Fact]
    public async Task Signal_ManyConcurrentSignals_AllDelivered()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<WaitingWorkflow>(), async () =>
        {
            var handle = await server.Client.StartWorkflowAsync((WaitingWorkflow w) => w.RunAsync(20), Server.Options(tq));
            await Task.WhenAll(Enumerable.Range(0, 20).Select(i => handle.SignalAsync(w => w.SignalAsync(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))));
            var result = await handle.GetResultAsync();
            Assert.Equal(20, result.Split(',').Distinct().Count());
        });
    }

    [Fact]
    public async Task SignalWithStart_NotRunning_StartsWithSignalThenSignalsExisting()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<WaitingWorkflow>(), async () =>
        {
            var options = Server.Options(tq);
            options.SignalWithStart((WaitingWorkflow w) => w.SignalAsync("first"));
            var handle = await server.Client.StartWorkflowAsync((WaitingWorkflow w) => w.RunAsync(2), options);

            var again = Server.Options(tq, options.Id);
            again.SignalWithStart((WaitingWorkflow w) => w.SignalAsync("second"));
            var second = await server.Client.StartWorkflowAsync((WaitingWorkflow w) => w.RunAsync(2), again);

            Assert.Equal(handle.ResultRunId, second.ResultRunId);
            Assert.Equal("first,second", await handle.GetResultAsync());
        });
    }

    [Fact]
    public async Task Query_RunningAndClosedWorkflow_ReturnsState()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<WaitingWorkflow>(), async () =>
        {
            var handle = await server.Client.StartWorkflowAsync((WaitingWorkflow w) => w.RunAsync(2), Server.Options(tq));
            Assert.Equal(0, await handle.QueryAsync(w => w.SignalCount()));
            await handle.SignalAsync(w => w.SignalAsync("a"));
            Assert.Equal(1, await handle.QueryAsync(w => w.SignalCount()));
            await handle.SignalAsync(w => w.SignalAsync("b"));
            await handle.GetResultAsync();

            Assert.Equal(2, await handle.QueryAsync(w => w.SignalCount()));
        });
    }

    [Fact]
    public async Task Query_UnknownQueryName_ThrowsWorkflowQueryFailed()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<WaitingWorkflow>(), async () =>
        {
            var handle = await server.Client.StartWorkflowAsync((WaitingWorkflow w) => w.RunAsync(1), Server.Options(tq));
            await Assert.ThrowsAsync<WorkflowQueryFailedException>(() => handle.QueryAsync<int>("no-such-query", []));
        });
    }

    [Fact]
    public async Task Update_ValidInput_ReturnsResultAndIsRecorded()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<WaitingWorkflow>(), async () =>
        {
            var handle = await server.Client.StartWorkflowAsync((WaitingWorkflow w) => w.RunAsync(1), Server.Options(tq));
            Assert.Equal(5, await handle.ExecuteUpdateAsync(w => w.AddAsync(5)));
            Assert.Equal(12, await handle.ExecuteUpdateAsync(w => w.AddAsync(7)));

            var history = await handle.FetchHistoryAsync();
            Assert.Equal(2, history.Events.Count(e => e.EventType == EventType.WorkflowExecutionUpdateCompleted));
        });
    }

    [Fact]
    public async Task Update_RejectedByValidator_RejectionReachesCaller()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<WaitingWorkflow>(), async () =>
        {
            var handle = await server.Client.StartWorkflowAsync((WaitingWorkflow w) => w.RunAsync(1), Server.Options(tq));
            var ex = await Assert.ThrowsAsync<WorkflowUpdateFailedException>(() => handle.ExecuteUpdateAsync(w => w.AddAsync(-1)));
            var cause = Assert.IsType<ApplicationFailureException>(ex.InnerException);
            Assert.Contains("must not be negative", cause.Message, StringComparison.Ordinal);

            Assert.Equal(3, await handle.ExecuteUpdateAsync(w => w.AddAsync(3)));
        });
    }

    [Fact]
    public async Task UpdateWithStart_NotRunningThenRunning_StartsOnceAndUpdatesBoth()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<WaitingWorkflow>(), async () =>
        {
            var id = Server.NewId();
            WithStartWorkflowOperation<WorkflowHandle<WaitingWorkflow, string>> Operation() => WithStartWorkflowOperation.Create(
                (WaitingWorkflow w) => w.RunAsync(1),
                new WorkflowOptions(id, tq) { IdConflictPolicy = WorkflowIdConflictPolicy.UseExisting });

            var firstStart = Operation();
            Assert.Equal(10, await server.Client.ExecuteUpdateWithStartWorkflowAsync((WaitingWorkflow w) => w.AddAsync(10), new(firstStart)));
            var secondStart = Operation();
            Assert.Equal(15, await server.Client.ExecuteUpdateWithStartWorkflowAsync((WaitingWorkflow w) => w.AddAsync(5), new(secondStart)));

            var first = await firstStart.GetHandleAsync();
            var second = await secondStart.GetHandleAsync();
            Assert.Equal(first.ResultRunId, second.ResultRunId);
        });
    }
}
