using Temporalio.Api.Enums.V1;

namespace Commerce.OfflineTemporal.Tests;

/// <summary>Issue item 1: start, result, describe, terminate, cancel, id conflict and reuse policies.</summary>
public class WorkflowLifecycleTests
{
    [Fact]
    public async Task Start_WorkflowWithActivities_ReturnsResult()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<GreetWorkflow>().AddAllActivities(new GreetActivities()), async () =>
        {
            var result = await server.Client.ExecuteWorkflowAsync((GreetWorkflow w) => w.RunAsync(new GreetInput("Ada")), Server.Options(tq));
            Assert.Equal("Hello, Hello, Ada", result);
        });
    }

    [Fact]
    public async Task Describe_RunningThenCompleted_ReportsStatusAndType()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<WaitingWorkflow>(), async () =>
        {
            var handle = await server.Client.StartWorkflowAsync((WaitingWorkflow w) => w.RunAsync(1), Server.Options(tq));
            var running = await handle.DescribeAsync();
            Assert.Equal(WorkflowExecutionStatus.Running, running.Status);
            Assert.Equal("WaitingWorkflow", running.WorkflowType);
            Assert.Equal(tq, running.TaskQueue);

            await handle.SignalAsync(w => w.SignalAsync("go"));
            Assert.Equal("go", await handle.GetResultAsync());
            var completed = await handle.DescribeAsync();
            Assert.Equal(WorkflowExecutionStatus.Completed, completed.Status);
            Assert.NotNull(completed.CloseTime);
        });
    }

    [Fact]
    public async Task Terminate_RunningWorkflow_ResultThrowsTerminated()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<WaitingWorkflow>(), async () =>
        {
            var handle = await server.Client.StartWorkflowAsync((WaitingWorkflow w) => w.RunAsync(1), Server.Options(tq));
            await handle.TerminateAsync("operator said so");
            var ex = await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync());
            Assert.IsType<TerminatedFailureException>(ex.InnerException);
            Assert.Equal(WorkflowExecutionStatus.Terminated, (await handle.DescribeAsync()).Status);
        });
    }

    [Fact]
    public async Task Cancel_WorkflowWithDetachedCompensation_RunsCompensationAndEndsCancelled()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        var activities = new SagaActivities();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<CompensatingWorkflow>().AddAllActivities(activities), async () =>
        {
            var handle = await server.Client.StartWorkflowAsync((CompensatingWorkflow w) => w.RunAsync(new SagaInput("order-1")), Server.Options(tq));
            await activities.Reserved.Task;
            await handle.CancelAsync();

            var ex = await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync());
            Assert.IsType<CanceledFailureException>(ex.InnerException);
            Assert.Equal("order-1", await activities.Compensated.Task);
            Assert.Equal(WorkflowExecutionStatus.Canceled, (await handle.DescribeAsync()).Status);
        });
    }

    [Fact]
    public async Task Start_SameIdWhileRunning_ThrowsWorkflowAlreadyStarted()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        var options = Server.Options(tq);
        await server.Client.StartWorkflowAsync((WaitingWorkflow w) => w.RunAsync(1), options);

        var ex = await Assert.ThrowsAsync<WorkflowAlreadyStartedException>(
            () => server.Client.StartWorkflowAsync((WaitingWorkflow w) => w.RunAsync(1), Server.Options(tq, options.Id)));
        Assert.Equal(options.Id, ex.WorkflowId);
    }

    [Fact]
    public async Task Start_UseExistingConflictPolicy_ReturnsRunningRun()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        var first = await server.Client.StartWorkflowAsync((WaitingWorkflow w) => w.RunAsync(1), Server.Options(tq));
        var second = await server.Client.StartWorkflowAsync(
            (WaitingWorkflow w) => w.RunAsync(1),
            new WorkflowOptions(first.Id, tq) { IdConflictPolicy = WorkflowIdConflictPolicy.UseExisting });
        Assert.Equal(first.ResultRunId, second.ResultRunId);
    }

    [Fact]
    public async Task Start_TerminateExistingConflictPolicy_ReplacesRunningRun()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        var first = await server.Client.StartWorkflowAsync((WaitingWorkflow w) => w.RunAsync(1), Server.Options(tq));
        var second = await server.Client.StartWorkflowAsync(
            (WaitingWorkflow w) => w.RunAsync(1),
            new WorkflowOptions(first.Id, tq) { IdConflictPolicy = WorkflowIdConflictPolicy.TerminateExisting });
        Assert.NotEqual(first.ResultRunId, second.ResultRunId);
        Assert.Equal(WorkflowExecutionStatus.Terminated, (await server.Client.GetWorkflowHandle(first.Id, first.ResultRunId).DescribeAsync()).Status);
    }

    [Fact]
    public async Task Start_ReusePolicies_AfterCompletion_AllowOrRejectNewRun()
    {
        await using var server = await Server.StartAsync();
        var tq = Server.NewTaskQueue();
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<GreetWorkflow>().AddAllActivities(new GreetActivities()), async () =>
        {
            var id = Server.NewId();
            await server.Client.ExecuteWorkflowAsync((GreetWorkflow w) => w.RunAsync(new("a")), Server.Options(tq, id));

            await Assert.ThrowsAsync<WorkflowAlreadyStartedException>(() => server.Client.StartWorkflowAsync(
                (GreetWorkflow w) => w.RunAsync(new("b")),
                new WorkflowOptions(id, tq) { IdReusePolicy = WorkflowIdReusePolicy.RejectDuplicate }));
            await Assert.ThrowsAsync<WorkflowAlreadyStartedException>(() => server.Client.StartWorkflowAsync(
                (GreetWorkflow w) => w.RunAsync(new("b")),
                new WorkflowOptions(id, tq) { IdReusePolicy = WorkflowIdReusePolicy.AllowDuplicateFailedOnly }));

            var again = await server.Client.ExecuteWorkflowAsync(
                (GreetWorkflow w) => w.RunAsync(new("c")),
                new WorkflowOptions(id, tq) { IdReusePolicy = WorkflowIdReusePolicy.AllowDuplicate });
            Assert.Equal("Hello, Hello, c", again);
        });
    }
}
