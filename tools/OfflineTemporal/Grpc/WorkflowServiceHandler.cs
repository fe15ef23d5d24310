using Commerce.OfflineTemporal.Engine;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Temporalio.Api.WorkflowService.V1;

namespace Commerce.OfflineTemporal.Grpc;

/// <summary>
/// temporal.api.workflowservice.v1.WorkflowService: each public method is bound by name to the RPC
/// of the same name. Methods stay thin; the semantics live in <see cref="TemporalEngine"/>.
/// </summary>
internal sealed class WorkflowServiceHandler(TemporalEngine engine) : IReflectedGrpcService
{
    public static ServiceDescriptor Descriptor => Temporalio.Api.WorkflowService.V1.ServiceReflection.Descriptor.Services[0];

    public Task<GetSystemInfoResponse> GetSystemInfo(GetSystemInfoRequest request, ServerCallContext context) =>
        Task.FromResult(new GetSystemInfoResponse
        {
            ServerVersion = "1.26.2-offline",
            Capabilities = new()
            {
                SignalAndQueryHeader = true,
                InternalErrorDifferentiation = true,
                ActivityFailureIncludeHeartbeat = true,
                EncodedFailureAttributes = true,
                UpsertMemo = true,
                SdkMetadata = true,
                CountGroupByExecutionStatus = true,
            },
        });

    public Task<GetClusterInfoResponse> GetClusterInfo(GetClusterInfoRequest request, ServerCallContext context) =>
        Task.FromResult(new GetClusterInfoResponse
        {
            ClusterName = "offline",
            ServerVersion = "1.26.2-offline",
            ClusterId = "offline-temporal",
            HistoryShardCount = 1,
            PersistenceStore = "memory",
            VisibilityStore = "memory",
        });

    public Task<DescribeNamespaceResponse> DescribeNamespace(DescribeNamespaceRequest request, ServerCallContext context) =>
        Task.FromResult(engine.DescribeNamespace(request));

    public Task<ListNamespacesResponse> ListNamespaces(ListNamespacesRequest request, ServerCallContext context) =>
        Task.FromResult(engine.ListNamespaces());

    public Task<RegisterNamespaceResponse> RegisterNamespace(RegisterNamespaceRequest request, ServerCallContext context)
    {
        engine.RegisterNamespace(request);
        return Task.FromResult(new RegisterNamespaceResponse());
    }

    public Task<StartWorkflowExecutionResponse> StartWorkflowExecution(StartWorkflowExecutionRequest request, ServerCallContext context) =>
        Task.FromResult(engine.StartWorkflow(request));

    public Task<SignalWithStartWorkflowExecutionResponse> SignalWithStartWorkflowExecution(SignalWithStartWorkflowExecutionRequest request, ServerCallContext context) =>
        Task.FromResult(engine.SignalWithStart(request));

    public Task<ExecuteMultiOperationResponse> ExecuteMultiOperation(ExecuteMultiOperationRequest request, ServerCallContext context) =>
        engine.ExecuteMultiOperationAsync(request, context.CancellationToken);

    public Task<GetWorkflowExecutionHistoryResponse> GetWorkflowExecutionHistory(GetWorkflowExecutionHistoryRequest request, ServerCallContext context) =>
        engine.GetHistoryAsync(request, context.CancellationToken);

    public Task<PollWorkflowTaskQueueResponse> PollWorkflowTaskQueue(PollWorkflowTaskQueueRequest request, ServerCallContext context) =>
        engine.PollWorkflowTaskAsync(request, context.CancellationToken);

    public Task<RespondWorkflowTaskCompletedResponse> RespondWorkflowTaskCompleted(RespondWorkflowTaskCompletedRequest request, ServerCallContext context) =>
        Task.FromResult(engine.CompleteWorkflowTask(request));

    public Task<RespondWorkflowTaskFailedResponse> RespondWorkflowTaskFailed(RespondWorkflowTaskFailedRequest request, ServerCallContext context)
    {
        engine.FailWorkflowTask(request);
        return Task.FromResult(new RespondWorkflowTaskFailedResponse());
    }

    public Task<PollActivityTaskQueueResponse> PollActivityTaskQueue(PollActivityTaskQueueRequest request, ServerCallContext context) =>
        engine.PollActivityTaskAsync(request, context.CancellationToken);

    public Task<RecordActivityTaskHeartbeatResponse> RecordActivityTaskHeartbeat(RecordActivityTaskHeartbeatRequest request, ServerCallContext context) =>
        Task.FromResult(new RecordActivityTaskHeartbeatResponse { CancelRequested = engine.Heartbeat(request.TaskToken, request.Details) });

    public Task<RecordActivityTaskHeartbeatByIdResponse> RecordActivityTaskHeartbeatById(RecordActivityTaskHeartbeatByIdRequest request, ServerCallContext context) =>
        Task.FromResult(new RecordActivityTaskHeartbeatByIdResponse { CancelRequested = engine.HeartbeatById(request) });

    public Task<RespondActivityTaskCompletedResponse> RespondActivityTaskCompleted(RespondActivityTaskCompletedRequest request, ServerCallContext context)
    {
        engine.CompleteActivity(request.TaskToken, request.Result, request.Identity);
        return Task.FromResult(new RespondActivityTaskCompletedResponse());
    }

    public Task<RespondActivityTaskCompletedByIdResponse> RespondActivityTaskCompletedById(RespondActivityTaskCompletedByIdRequest request, ServerCallContext context)
    {
        engine.CompleteActivityById(request);
        return Task.FromResult(new RespondActivityTaskCompletedByIdResponse());
    }

    public Task<RespondActivityTaskFailedResponse> RespondActivityTaskFailed(RespondActivityTaskFailedRequest request, ServerCallContext context)
    {
        engine.FailActivity(request.TaskToken, request.Failure, request.LastHeartbeatDetails, request.Identity);
        return Task.FromResult(new RespondActivityTaskFailedResponse());
    }

    public Task<RespondActivityTaskFailedByIdResponse> RespondActivityTaskFailedById(RespondActivityTaskFailedByIdRequest request, ServerCallContext context)
    {
        engine.FailActivityById(request);
        return Task.FromResult(new RespondActivityTaskFailedByIdResponse());
    }

    public Task<RespondActivityTaskCanceledResponse> RespondActivityTaskCanceled(RespondActivityTaskCanceledRequest request, ServerCallContext context)
    {
        engine.CancelActivity(request.TaskToken, request.Details, request.Identity);
        return Task.FromResult(new RespondActivityTaskCanceledResponse());
    }

    public Task<RespondActivityTaskCanceledByIdResponse> RespondActivityTaskCanceledById(RespondActivityTaskCanceledByIdRequest request, ServerCallContext context)
    {
        engine.CancelActivityById(request);
        return Task.FromResult(new RespondActivityTaskCanceledByIdResponse());
    }

    public Task<RequestCancelWorkflowExecutionResponse> RequestCancelWorkflowExecution(RequestCancelWorkflowExecutionRequest request, ServerCallContext context)
    {
        engine.RequestCancel(request);
        return Task.FromResult(new RequestCancelWorkflowExecutionResponse());
    }

    public Task<SignalWorkflowExecutionResponse> SignalWorkflowExecution(SignalWorkflowExecutionRequest request, ServerCallContext context)
    {
        engine.Signal(request);
        return Task.FromResult(new SignalWorkflowExecutionResponse());
    }

    public Task<TerminateWorkflowExecutionResponse> TerminateWorkflowExecution(TerminateWorkflowExecutionRequest request, ServerCallContext context)
    {
        engine.Terminate(request);
        return Task.FromResult(new TerminateWorkflowExecutionResponse());
    }

    public Task<ListWorkflowExecutionsResponse> ListWorkflowExecutions(ListWorkflowExecutionsRequest request, ServerCallContext context) =>
        Task.FromResult(engine.List(request.Namespace, request.Query, request.PageSize, request.NextPageToken));

    public Task<ScanWorkflowExecutionsResponse> ScanWorkflowExecutions(ScanWorkflowExecutionsRequest request, ServerCallContext context)
    {
        var list = engine.List(request.Namespace, request.Query, request.PageSize, request.NextPageToken);
        return Task.FromResult(new ScanWorkflowExecutionsResponse { Executions = { list.Executions }, NextPageToken = list.NextPageToken });
    }

    public Task<CountWorkflowExecutionsResponse> CountWorkflowExecutions(CountWorkflowExecutionsRequest request, ServerCallContext context) =>
        Task.FromResult(engine.Count(request));

    public Task<GetSearchAttributesResponse> GetSearchAttributes(GetSearchAttributesRequest request, ServerCallContext context)
    {
        var list = engine.ListSearchAttributes("default");
        var response = new GetSearchAttributesResponse();
        response.Keys.Add(list.CustomAttributes);
        response.Keys.Add(list.SystemAttributes);
        return Task.FromResult(response);
    }

    public Task<QueryWorkflowResponse> QueryWorkflow(QueryWorkflowRequest request, ServerCallContext context) =>
        engine.QueryAsync(request, context.CancellationToken);

    public Task<RespondQueryTaskCompletedResponse> RespondQueryTaskCompleted(RespondQueryTaskCompletedRequest request, ServerCallContext context)
    {
        engine.RespondQuery(request);
        return Task.FromResult(new RespondQueryTaskCompletedResponse());
    }

    public Task<DescribeWorkflowExecutionResponse> DescribeWorkflowExecution(DescribeWorkflowExecutionRequest request, ServerCallContext context) =>
        Task.FromResult(engine.Describe(request));

    public Task<ShutdownWorkerResponse> ShutdownWorker(ShutdownWorkerRequest request, ServerCallContext context)
    {
        engine.ShutdownWorker(request);
        return Task.FromResult(new ShutdownWorkerResponse());
    }

    public Task<ResetStickyTaskQueueResponse> ResetStickyTaskQueue(ResetStickyTaskQueueRequest request, ServerCallContext context) =>
        Task.FromResult(new ResetStickyTaskQueueResponse());

    public Task<UpdateWorkflowExecutionResponse> UpdateWorkflowExecution(UpdateWorkflowExecutionRequest request, ServerCallContext context) =>
        engine.UpdateAsync(request, context.CancellationToken);

    public Task<PollWorkflowExecutionUpdateResponse> PollWorkflowExecutionUpdate(PollWorkflowExecutionUpdateRequest request, ServerCallContext context) =>
        engine.PollUpdateAsync(request, context.CancellationToken);

    public Task<RecordWorkerHeartbeatResponse> RecordWorkerHeartbeat(RecordWorkerHeartbeatRequest request, ServerCallContext context) =>
        Task.FromResult(new RecordWorkerHeartbeatResponse());
}
