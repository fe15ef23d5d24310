using Commerce.OfflineTemporal.Engine;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Temporalio.Api.OperatorService.V1;

namespace Commerce.OfflineTemporal.Grpc;

/// <summary>temporal.api.operatorservice.v1.OperatorService: search attribute registration.</summary>
internal sealed class OperatorServiceHandler(TemporalEngine engine) : IReflectedGrpcService
{
    public static ServiceDescriptor Descriptor => Temporalio.Api.OperatorService.V1.ServiceReflection.Descriptor.Services[0];

    public Task<AddSearchAttributesResponse> AddSearchAttributes(AddSearchAttributesRequest request, ServerCallContext context)
    {
        engine.AddSearchAttributes(request);
        return Task.FromResult(new AddSearchAttributesResponse());
    }

    public Task<RemoveSearchAttributesResponse> RemoveSearchAttributes(RemoveSearchAttributesRequest request, ServerCallContext context)
    {
        engine.RemoveSearchAttributes(request);
        return Task.FromResult(new RemoveSearchAttributesResponse());
    }

    public Task<ListSearchAttributesResponse> ListSearchAttributes(ListSearchAttributesRequest request, ServerCallContext context) =>
        Task.FromResult(engine.ListSearchAttributes(request.Namespace));
}
