using System.Net;
using Commerce.Testing;

namespace Commerce.Faults.Tests;

/// <summary>The saga worker in processes of its own, with a retry budget that outlasts a worker swap.</summary>
public sealed class SeparateWorkerSystem : FaultSystem
{
    protected override bool CoHostWorker => false;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Checkout:Saga:StepMaxAttempts"] = "10",
        ["Checkout:Saga:StepMaximumRetryInterval"] = "00:00:01",
    };
}

public sealed class WorkerKillTests(SeparateWorkerSystem system) : IClassFixture<SeparateWorkerSystem>
{
    private const int Orders = 200;

    [Fact]
    public async Task WorkerProcessKilledAmid200InFlightOrders_NewProcessFinishesEachWithOneAuthorizationAndOneCapture()
    {
        var orders = await system.CreateOrdersAsync(Orders);
        var firstWorker = await system.StartWorkerProcessAsync();

        var submissions = orders.Select(system.SubmitAsync).ToList();
        await Poll.UntilAsync(
            async () => await system.Sql.CountAsync("payment.payment_transactions", "kind = 'Authorize' AND succeeded") >= Orders / 4,
            TimeSpan.FromSeconds(120));
        // SIGKILL: the activities it was running are cut mid-call and their results never reported; Temporal hands
        // them to the next worker once their attempt times out.
        firstWorker.Kill();
        var deliveredWhenKilled = await system.Sql.CountAsync("\"order\".orders", "status = 'Delivered'");
        await system.StartWorkerProcessAsync();

        var answers = await Task.WhenAll(submissions);
        var results = await system.ResultsAsync(orders, TimeSpan.FromSeconds(120));

        Assert.InRange(deliveredWhenKilled, 0, Orders - 1);
        Assert.All(answers, status => Assert.Contains(status, (HttpStatusCode[])[HttpStatusCode.OK, HttpStatusCode.Accepted]));
        await system.AssertEachDeliveredWithOneAuthorizationAndOneCaptureAsync(orders, results);
    }
}
