using Temporalio.Api.WorkflowService.V1;

namespace Commerce.OfflineTemporal.Tests;

/// <summary>Issue item 9: errors carry the status codes and details the SDK maps to its exceptions.</summary>
public class ErrorTests
{
    [Fact]
    public async Task Describe_UnknownWorkflow_ThrowsNotFound()
    {
        await using var server = await Server.StartAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.GetWorkflowHandle("does-not-exist").DescribeAsync());
        Assert.Equal(RpcException.StatusCode.NotFound, ex.Code);
    }

    [Fact]
    public async Task Signal_UnknownWorkflow_ThrowsNotFound()
    {
        await using var server = await Server.StartAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.GetWorkflowHandle<WaitingWorkflow>("nope").SignalAsync(w => w.SignalAsync("x")));
        Assert.Equal(RpcException.StatusCode.NotFound, ex.Code);
    }

    [Fact]
    public async Task GetResult_UnknownRun_ThrowsNotFound()
    {
        await using var server = await Server.StartAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.GetWorkflowHandle("nope", Guid.NewGuid().ToString()).GetResultAsync());
        Assert.Equal(RpcException.StatusCode.NotFound, ex.Code);
    }

    [Fact]
    public async Task Terminate_CompletedWorkflow_ThrowsNotFound()
    {
        await using var server = await Server.StartAsync();
        var handle = await server.Client.StartWorkflowAsync((WaitingWorkflow w) => w.RunAsync(1), Server.Options(Server.NewTaskQueue()));
        await handle.TerminateAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => handle.TerminateAsync());
        Assert.Equal(RpcException.StatusCode.NotFound, ex.Code);
    }

    [Fact]
    public async Task Start_MissingTaskQueue_ThrowsInvalidArgument()
    {
        await using var server = await Server.StartAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.Connection.WorkflowService.StartWorkflowExecutionAsync(new StartWorkflowExecutionRequest
        {
            Namespace = server.Namespace,
            WorkflowId = "no-queue",
            WorkflowType = new() { Name = "WaitingWorkflow" },
            RequestId = Guid.NewGuid().ToString(),
        }));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, ex.Code);
    }

    [Fact]
    public async Task Describe_MalformedRunId_ThrowsInvalidArgument()
    {
        await using var server = await Server.StartAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.GetWorkflowHandle("any", "not-a-uuid").DescribeAsync());
        Assert.Equal(RpcException.StatusCode.InvalidArgument, ex.Code);
    }

    [Fact]
    public async Task Connect_UnknownNamespace_DescribeThrowsNotFound()
    {
        await using var server = await Server.StartAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.Connection.WorkflowService.DescribeNamespaceAsync(new() { Namespace = "no-such-namespace" }));
        Assert.Equal(RpcException.StatusCode.NotFound, ex.Code);
    }

    [Fact]
    public async Task Update_ClosedWorkflow_ThrowsNotFound()
    {
        await using var server = await Server.StartAsync();
        var handle = await server.Client.StartWorkflowAsync((WaitingWorkflow w) => w.RunAsync(1), Server.Options(Server.NewTaskQueue()));
        await handle.TerminateAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => handle.ExecuteUpdateAsync(w => w.AddAsync(1)));
        Assert.Equal(RpcException.StatusCode.NotFound, ex.Code);
    }
}
