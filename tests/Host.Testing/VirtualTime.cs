using Commerce.OfflineTemporal;

namespace Commerce.Host.Testing;

/// <summary>
/// The offline Temporal's virtual clock as the hosts' <see cref="TimeProvider"/>, so the owners' times (a
/// reservation's ExpiresAt, Inventory's expiry sweep) and the saga's <c>Workflow.UtcNow</c> are one clock while
/// time is skipped. Timers still run in real time: only "now" jumps.
/// </summary>
public sealed class VirtualTime(OfflineTemporalServer server) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => new(server.UtcNow, TimeSpan.Zero);
}
