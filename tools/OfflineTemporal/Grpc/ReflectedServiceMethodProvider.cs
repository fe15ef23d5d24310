using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Commerce.OfflineTemporal.Grpc;

/// <summary>A handler class for one protobuf service whose descriptor ships in Temporalio.dll.</summary>
internal interface IReflectedGrpcService
{
    static abstract ServiceDescriptor Descriptor { get; }
}

/// <summary>
/// Binds a gRPC service straight from the descriptors in Temporalio.dll (no .proto files, no code
/// generation): one unary method per descriptor method, routed to the handler's public method of
/// the same name, or answered Unimplemented when the handler has none.
/// </summary>
internal sealed class ReflectedServiceMethodProvider<TService> : IServiceMethodProvider<TService>
    where TService : class, IReflectedGrpcService
{
    private static readonly MethodInfo AddMethodInfo =
        typeof(ReflectedServiceMethodProvider<TService>).GetMethod(nameof(AddMethod), BindingFlags.NonPublic | BindingFlags.Static)!;

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        var service = TService.Descriptor;
        foreach (var method in service.Methods)
        {
            if (method.IsClientStreaming || method.IsServerStreaming)
            {
                continue;
            }

            AddMethodInfo.MakeGenericMethod(method.InputType.ClrType, method.OutputType.ClrType)
                .Invoke(null, [context, service.FullName, method]);
        }
    }

    private static void AddMethod<TRequest, TResponse>(ServiceMethodProviderContext<TService> context, string serviceName, MethodDescriptor descriptor)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var requestParser = (MessageParser<TRequest>)descriptor.InputType.Parser;
        var responseParser = (MessageParser<TResponse>)descriptor.OutputType.Parser;
        var method = new Method<TRequest, TResponse>(
            MethodType.Unary,
            serviceName,
            descriptor.Name,
            Marshallers.Create(Serialize, ctx => requestParser.ParseFrom(ctx.PayloadAsReadOnlySequence())),
            Marshallers.Create(Serialize, ctx => responseParser.ParseFrom(ctx.PayloadAsReadOnlySequence())));

        var handler = typeof(TService).GetMethod(descriptor.Name, BindingFlags.Public | BindingFlags.Instance, [typeof(TRequest), typeof(ServerCallContext)]);
        UnaryServerMethod<TService, TRequest, TResponse> invoker = handler is not null && handler.ReturnType == typeof(Task<TResponse>)
            ? handler.CreateDelegate<UnaryServerMethod<TService, TRequest, TResponse>>()
            : (_, _, _) => throw ServerErrors.Unimplemented($"{descriptor.Name} is not implemented by the offline Temporal server.");
        context.AddUnaryMethod(method, [], invoker);
    }

    /// <summary>
    /// Writes straight into the response buffer and parses straight from the request buffer (as
    /// protoc-generated services do), instead of copying every message through a byte array.
    /// </summary>
    private static void Serialize<T>(T message, SerializationContext context)
        where T : IMessage<T>
    {
        context.SetPayloadLength(message.CalculateSize());
        message.WriteTo(context.GetBufferWriter());
        context.Complete();
    }
}
