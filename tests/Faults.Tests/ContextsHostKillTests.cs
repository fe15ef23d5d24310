using System.Net;
using Commerce.Testing;

namespace Commerce.Faults.Tests;

/// <summary>
/// Every context and the Checkout API in a child process, the saga worker in a host of its own, and budgets that
/// outlast a crash and a restart of that process: saga steps retry for about a minute, and what the dead process had
/// claimed (outbox deliveries, carrier pushes) is taken up again two seconds after its claim.
/// </summary>
public sealed class ContextsProcessSystem : FaultSystem
{
    protected override bool ContextsInChildProcess => true;

    protected override bool CoHostWorker => false;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Checkout:Saga:StepMaxAttempts"] = "60",
        ["Checkout:Saga:StepMaximumRetryInterval"] = "00:00:01",
        ["Commerce:Outbox:LeaseDuration"] = "00:00:02",
        ["Shipping:Carrier:PushLease"] = "00:00:02",
    };
}

public sealed class ContextsHostKillTests(ContextsProcessSystem system) : IClassFixture<ContextsProcessSystem>
{
    // 100 rather than the worker kill's 200: the crash cuts the same kinds of work in flight (requests, transactions,
    // claimed deliveries and pushes) at a quarter authorized either way, and the suite's longest test takes half as long.
    private const int Orders = 100;

    [Fact]
    public async Task ContextsProcessKilledAmid100InFlightOrders_NewProcessFinishesEachWithOneAuthorizationAndOneCapture()
    {
        var orders = await system.CreateOrdersAsync(Orders);
        system.StartWorkerHost();

        var submissions = orders.Select(SubmitOrLoseAnswerAsync).ToList();
        await Poll.UntilAsync(
            async () => await system.Sql.CountAsync("payment.payment_transactions", "kind = 'Authorize' AND succeeded") >= Orders / 4,
            TimeSpan.FromSeconds(120));
        // SIGKILL: open transactions roll back, requests in flight (submissions, the worker's owner calls) are cut,
        // and what the process kept in memory is gone.
        system.ContextsProcess!.Kill();
        var deliveredWhenKilled = await system.Sql.CountAsync("\"order\".orders", "status = 'Delivered'");
        await system.StartContextsProcessAsync();
        await Task.WhenAll(submissions);
        // A shop's client resubmits what it got no answer for; submitting is idempotent (it joins the order's saga).
        var answers = await Task.WhenAll(orders.Select(system.SubmitAsync));
        var results = await system.ResultsAsync(orders, TimeSpan.FromSeconds(180));

        Assert.InRange(deliveredWhenKilled, 0, Orders - 1);
        Assert.All(answers, status => Assert.Contains(status, (HttpStatusCode[])[HttpStatusCode.OK, HttpStatusCode.Accepted]));
        await system.AssertEachDeliveredWithOneAuthorizationAndOneCaptureAsync(orders, results);
    }

    private async Task SubmitOrLoseAnswerAsync(Guid orderId)
    {
        try
        {
            await system.SubmitAsync(orderId);
        }
        catch (HttpRequestException)
        {
            // The process died with the request in flight.
        }
    }
}
