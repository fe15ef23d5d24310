using Temporalio.Api.Enums.V1;
using Temporalio.Workflows;
using ParentClosePolicy = Temporalio.Workflows.ParentClosePolicy;

namespace Commerce.OfflineTemporal.Tests;

/// <summary>Issue item 5: child workflows, parent close policy, continue-as-new, run and execution timeouts.</summary>
public class ChildAndContinueAsNewTests
{
    private static TemporalWorkerOptions Workflows(string tq) => Server.Worker(tq)
        .AddWorkflow<ParentWorkflow>().AddWorkflow<ChildWorkflow>().AddWorkflow<ContinueAsNewWorkflow>()
        .AddWorkflow<EndlessWorkflow>().AddWorkflow<WaitingWorkflow>();

    [Fact]
    public async Task Child_Completes_ParentReceivesResult()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Workflows(tq), async () =>
        {
            var result = await server.Client.ExecuteWorkflowAsync((ParentWorkflow w) => w.RunAsync(new(Server.NewId("child"), "hi")), Server.Options(tq));
            Assert.Equal("child:hi", result);
        });
    }

    [Fact]
    public async Task Child_Fails_ParentSeesChildWorkflowFailure()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Workflows(tq), async () =>
        {
            var result = await server.Client.ExecuteWorkflowAsync((ParentWorkflow w) => w.RunAsync(new(Server.NewId("child"), "fail")), Server.Options(tq));
            Assert.Equal("child failure: ChildError", result);
        });
    }

    [Theory]
    [InlineData(ParentClosePolicy.Terminate, WorkflowExecutionStatus.Terminated)]
    [InlineData(ParentClosePolicy.RequestCancel, WorkflowExecutionStatus.Canceled)]
    [InlineData(ParentClosePolicy.Abandon, WorkflowExecutionStatus.Running)]
    public async Task Child_ParentCompletes_ParentClosePolicyApplied(ParentClosePolicy policy, WorkflowExecutionStatus expected)
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Workflows(tq), async () =>
        {
            var childId = Server.NewId("child");
            await server.Client.ExecuteWorkflowAsync((ParentWorkflow w) => w.RunAsync(new(childId, "wait", policy)), Server.Options(tq));

            var child = server.Client.GetWorkflowHandle(childId);
            if (expected != WorkflowExecutionStatus.Running)
            {
                await Assert.ThrowsAsync<WorkflowFailedException>(() => child.GetResultAsync());
            }

            var description = await child.DescribeAsync();
            Assert.Equal(expected, description.Status);
            Assert.NotNull(description.ParentId);
        });
    }

    [Fact]
    public async Task ContinueAsNew_ThreeTimes_ResultComesFromLastRun()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Workflows(tq), async () =>
        {
            var handle = await server.Client.StartWorkflowAsync((ContinueAsNewWorkflow w) => w.RunAsync(3), Server.Options(tq));
            var result = await handle.GetResultAsync();

            var latest = await server.Client.GetWorkflowHandle(handle.Id).DescribeAsync();
            Assert.Equal("done in run " + latest.RunId, result);
            Assert.NotEqual(handle.ResultRunId, latest.RunId);
            var runs = await server.Client.ListWorkflowsAsync($"WorkflowId = '{handle.Id}'").ToListAsync();
            Assert.Equal(4, runs.Count);
            Assert.Equal(3, runs.Count(r => r.Status == WorkflowExecutionStatus.ContinuedAsNew));
        });
    }

    [Fact]
    public async Task RunTimeout_WorkflowWaitsForever_TimesOut()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Workflows(tq), async () =>
        {
            var options = Server.Options(tq);
            options.RunTimeout = TimeSpan.FromDays(1);
            var ex = await Assert.ThrowsAsync<WorkflowFailedException>(
                () => server.Client.ExecuteWorkflowAsync((WaitingWorkflow w) => w.RunAsync(1), options));
            Assert.IsType<TimeoutFailureException>(ex.InnerException);
        });
    }

    [Fact]
    public async Task ExecutionTimeout_SpansContinueAsNewRuns_TimesOutChain()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Workflows(tq), async () =>
        {
            var options = Server.Options(tq);
            options.ExecutionTimeout = TimeSpan.FromHours(5.5);
            var handle = await server.Client.StartWorkflowAsync((EndlessWorkflow w) => w.RunAsync(), options);
            var ex = await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync());
            Assert.IsType<TimeoutFailureException>(ex.InnerException);

            var runs = await server.Client.ListWorkflowsAsync($"WorkflowId = '{handle.Id}'").ToListAsync();
            Assert.Equal(5, runs.Count(r => r.Status == WorkflowExecutionStatus.ContinuedAsNew));
            Assert.Single(runs, r => r.Status == WorkflowExecutionStatus.TimedOut);
        });
    }
}
