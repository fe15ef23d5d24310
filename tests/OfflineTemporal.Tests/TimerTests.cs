using System.Diagnostics;
using Temporalio.Api.Enums.V1;

namespace Commerce.OfflineTemporal.Tests;

/// <summary>Issue item 3: timers, timer cancellation, time skipping with Workflow.UtcNow on the virtual clock.</summary>
public class TimerTests
{
    [Theory]
    [InlineData(15 * 60)]
    [InlineData(7 * 24 * 3600)]
    public async Task Timer_LongWaitWithTimeSkipping_FinishesInWellUnderASecondOfWallTime(int seconds)
    {
        await using var server = await Server.StartAsync(timeSkipping: true);
        var tq = Server.NewTaskQueue();
        var wait = TimeSpan.FromSeconds(seconds);
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<TimerWorkflow>(), async () =>
        {
            var before = server.UtcNow;
            var stopwatch = Stopwatch.StartNew();
            var result = await server.Client.ExecuteWorkflowAsync((TimerWorkflow w) => w.RunAsync(wait, false), Server.Options(tq));
            stopwatch.Stop();

            Assert.InRange(result.Elapsed, wait, wait + TimeSpan.FromSeconds(2));
            Assert.True(server.UtcNow - before >= wait, "the server's virtual clock moved with the workflow");
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"took {stopwatch.Elapsed} of wall time");
        });
    }

    [Fact]
    public async Task Timer_RealTimeMode_WaitsRealTime()
    {
        await using var server = await Server.StartAsync(timeSkipping: false);
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<TimerWorkflow>(), async () =>
        {
            var stopwatch = Stopwatch.StartNew();
            var result = await server.Client.ExecuteWorkflowAsync((TimerWorkflow w) => w.RunAsync(TimeSpan.FromMilliseconds(300), false), Server.Options(tq));
            Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(300));
            Assert.True(result.Elapsed >= TimeSpan.FromMilliseconds(300));
        });
    }

    [Fact]
    public async Task Timer_CancelledBeforeFiring_RecordsTimerCanceled()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<TimerWorkflow>(), async () =>
        {
            var handle = await server.Client.StartWorkflowAsync((TimerWorkflow w) => w.RunAsync(TimeSpan.FromDays(1), true), Server.Options(tq));
            var result = await handle.GetResultAsync();
            Assert.True(result.Cancelled);
            Assert.True(result.Elapsed < TimeSpan.FromHours(1));

            var history = await handle.FetchHistoryAsync();
            Assert.Contains(history.Events, e => e.EventType == EventType.TimerCanceled);
        });
    }

    [Fact]
    public async Task Skip_WhileTimeSkippingPaused_FiresDueTimers()
    {
        await using var server = await Server.StartAsync(timeSkipping: true);
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<TimerWorkflow>(), async () =>
        {
            using (server.PauseTimeSkipping())
            {
                var handle = await server.Client.StartWorkflowAsync((TimerWorkflow w) => w.RunAsync(TimeSpan.FromHours(2), false), Server.Options(tq));
                await Server.WaitForEventAsync(server.Client, handle.Id, EventType.TimerStarted);
                var resultTask = handle.GetResultAsync();
                Assert.False(resultTask.IsCompleted);
                server.Skip(TimeSpan.FromHours(3));
                var result = await resultTask;
                Assert.True(result.Elapsed >= TimeSpan.FromHours(2));
            }
        });
    }
}
