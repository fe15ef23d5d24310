using Commerce.Testing;
using Commerce.Workflows.OrderSaga;

namespace Commerce.Faults.Tests;

/// <summary>
/// A carrier slow enough to deliver that a restart finds parcels it promised and has not delivered yet, and saga
/// retries that outlast the restart.
/// </summary>
public sealed class SlowCarrierSystem : FaultSystem
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        // About 38 s of retries: the new host's co-hosted worker takes activities before the host has bound its port, and
        // they fail until it has, which on a loaded machine took longer than the 10 s that 12 attempts last (seen twice).
        ["Checkout:Saga:StepMaxAttempts"] = "40",
        ["Checkout:Saga:StepInitialRetryInterval"] = "00:00:00.200",
        ["Checkout:Saga:StepMaximumRetryInterval"] = "00:00:01",
        ["Shipping:Carrier:InTransitAfter"] = "00:00:00.050",
        ["Shipping:Carrier:DeliveredAfter"] = "00:00:05",
    };
}

public sealed class CarrierRestartTests(SlowCarrierSystem system) : IClassFixture<SlowCarrierSystem>
{
    private const int Orders = 20;

    [Fact]
    public async Task HostRestartedWhileParcelsAreOnTheirWay_CarrierStillDeliversEveryOrder()
    {
        var orders = await system.CreateOrdersAsync(Orders);

        await Task.WhenAll(orders.Select(system.SubmitAsync));
        // Every label bought: from here on, delivering is the carrier's promise (the last label's falls due seconds later).
        await Poll.UntilAsync(async () => await system.Sql.CountAsync("shipping.shipments") == Orders, TimeSpan.FromSeconds(60));
        var deliveredWhenStopped = await system.Sql.CountAsync("shipping.shipments", "status = 'Delivered'");
        await system.RestartHostAsync();
        var results = await system.ResultsAsync(orders, TimeSpan.FromSeconds(60));

        Assert.InRange(deliveredWhenStopped, 0, Orders - 1);
        Assert.All(results, result => Assert.Equal(SagaStages.Delivered, result.Outcome));
        Assert.Equal(Orders, await system.Sql.CountAsync("shipping.shipments", "status = 'Delivered'"));
        Assert.Equal(Orders, await system.Sql.CountAsync("\"order\".orders", "status = 'Delivered'"));
    }
}
