using Commerce.OfflineTemporal.Engine;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Temporalio.Api.TestService.V1;

namespace Commerce.OfflineTemporal.Grpc;

/// <summary>
/// temporal.api.testservice.v1.TestService, the time-skipping controls of Temporal's own test
/// server, mapped onto the virtual clock so tools written for it also work here.
/// </summary>
internal sealed class TestServiceHandler(TemporalEngine engine) : IReflectedGrpcService
{
    public static ServiceDescriptor Descriptor => Temporalio.Api.TestService.V1.ServiceReflection.Descriptor.Services[0];

    public Task<LockTimeSkippingResponse> LockTimeSkipping(LockTimeSkippingRequest request, ServerCallContext context)
    {
        engine.LockTimeSkipping();
        return Task.FromResult(new LockTimeSkippingResponse());
    }

    public Task<UnlockTimeSkippingResponse> UnlockTimeSkipping(UnlockTimeSkippingRequest request, ServerCallContext context)
    {
        engine.UnlockTimeSkipping();
        return Task.FromResult(new UnlockTimeSkippingResponse());
    }

    public Task<SleepResponse> Sleep(SleepRequest request, ServerCallContext context)
    {
        engine.Skip(request.Duration?.ToTimeSpan() ?? TimeSpan.Zero);
        return Task.FromResult(new SleepResponse());
    }

    public Task<SleepResponse> SleepUntil(SleepUntilRequest request, ServerCallContext context)
    {
        var target = request.Timestamp?.ToDateTime() ?? engine.CurrentTime;
        engine.Skip(target - engine.CurrentTime);
        return Task.FromResult(new SleepResponse());
    }

    public Task<SleepResponse> UnlockTimeSkippingWithSleep(SleepRequest request, ServerCallContext context)
    {
        engine.UnlockTimeSkipping();
        engine.Skip(request.Duration?.ToTimeSpan() ?? TimeSpan.Zero);
        return Task.FromResult(new SleepResponse());
    }

    public Task<GetCurrentTimeResponse> GetCurrentTime(Empty request, ServerCallContext context) =>
        Task.FromResult(new GetCurrentTimeResponse { Time = Timestamp.FromDateTime(engine.CurrentTime) });
}
