using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Temporalio.Api.ErrorDetails.V1;

namespace Commerce.OfflineTemporal.Grpc;

/// <summary>
/// Errors shaped like the real server's: a gRPC status plus a <c>google.rpc.Status</c> in the
/// <c>grpc-status-details-bin</c> trailer carrying the temporal.api.errordetails.v1 message the SDK
/// maps to its exceptions (a bare status code is not enough, e.g. for WorkflowAlreadyStartedException).
/// </summary>
internal static class ServerErrors
{
    public static RpcException NotFound(string message) =>
        Create(StatusCode.NotFound, message, new NotFoundFailure { CurrentCluster = "active", ActiveCluster = "active" });

    public static RpcException NamespaceNotFound(string ns) =>
        Create(StatusCode.NotFound, $"Namespace {ns} is not found.", new NamespaceNotFoundFailure { Namespace = ns });

    public static RpcException InvalidArgument(string message) => Create(StatusCode.InvalidArgument, message, null);

    public static RpcException AlreadyExists(string message) => Create(StatusCode.AlreadyExists, message, null);

    public static RpcException Unimplemented(string message) => Create(StatusCode.Unimplemented, message, null);

    public static RpcException DeadlineExceeded(string message) => Create(StatusCode.DeadlineExceeded, message, null);

    public static RpcException WorkflowAlreadyStarted(string workflowId, string requestId, string runId) =>
        Create(
            StatusCode.AlreadyExists,
            $"Workflow execution is already running. WorkflowId: {workflowId}, RunId: {runId}.",
            new WorkflowExecutionAlreadyStartedFailure { StartRequestId = requestId, RunId = runId });

    public static RpcException QueryFailed(string message, Temporalio.Api.Failure.V1.Failure? failure) =>
        Create(StatusCode.InvalidArgument, message, new QueryFailedFailure { Failure = failure });

    public static RpcException Create(StatusCode code, string message, IMessage? detail)
    {
        var trailers = new Metadata
        {
            { "grpc-status-details-bin", EncodeRpcStatus((int)code, message, detail is null ? [] : [Any.Pack(detail)]) },
        };
        return new RpcException(new Status(code, message), trailers, message);
    }

    /// <summary>Status of a whole RPC failure as a <see cref="MultiOperationExecutionFailure.Types.OperationStatus"/>.</summary>
    public static MultiOperationExecutionFailure.Types.OperationStatus ToOperationStatus(RpcException ex)
    {
        var status = new MultiOperationExecutionFailure.Types.OperationStatus
        {
            Code = (int)ex.StatusCode,
            Message = ex.Status.Detail,
        };
        var bin = ex.Trailers.GetValueBytes("grpc-status-details-bin");
        if (bin is not null)
        {
            status.Details.AddRange(DecodeRpcStatusDetails(bin));
        }

        return status;
    }

    /// <summary>
    /// google.rpc.Status is not in Temporalio.dll, so it is written by hand:
    /// field 1 code (varint), 2 message (string), 3 details (repeated Any).
    /// </summary>
    public static byte[] EncodeRpcStatus(int code, string message, IEnumerable<Any> details)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        if (code != 0)
        {
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteInt32(code);
        }

        if (!string.IsNullOrEmpty(message))
        {
            output.WriteTag(2, WireFormat.WireType.LengthDelimited);
            output.WriteString(message);
        }

        foreach (var detail in details)
        {
            output.WriteTag(3, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(detail.ToByteString());
        }

        output.Flush();
        return stream.ToArray();
    }

    private static List<Any> DecodeRpcStatusDetails(byte[] bytes)
    {
        var result = new List<Any>();
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 3)
            {
                result.Add(Any.Parser.ParseFrom(input.ReadBytes()));
            }
            else
            {
                input.SkipLastField();
            }
        }

        return result;
    }
}
