using Commerce.Payment.Gateway;

namespace Commerce.Payment.Tests;

/// <summary>The simulated gateway's idempotency memory is bounded: it answers a repeated key alike until it is among the forgotten oldest.</summary>
public sealed class SimulatedGatewayMemoryTests
{
    [Fact]
    public async Task RepeatedKey_SameAnswer_UntilRememberedKeysNewerOnesPushItOut()
    {
        var gateway = new SimulatedPaymentGateway();
        var first = await gateway.CaptureAsync("auth_1", 10m, "key-0", CancellationToken.None);
        Assert.Equal(first, await gateway.CaptureAsync("auth_1", 10m, "key-0", CancellationToken.None));

        for (var i = 1; i < SimulatedPaymentGateway.RememberedKeys; i++)
        {
            await gateway.CaptureAsync("auth_1", 10m, $"key-{i}", CancellationToken.None);
        }

        Assert.Equal(first, await gateway.CaptureAsync("auth_1", 10m, "key-0", CancellationToken.None));
        await gateway.CaptureAsync("auth_1", 10m, "one-key-too-many", CancellationToken.None);
        Assert.NotEqual(first, await gateway.CaptureAsync("auth_1", 10m, "key-0", CancellationToken.None));
    }
}
