using System.Net;
using Commerce.Payment.Contracts;
using Commerce.Testing;
using Commerce.Workflows.OrderSaga;

namespace Commerce.Faults.Tests;

/// <summary>The saga worker in hosts of its own, with a retry budget that outlasts a worker swap.</summary>
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
    public async Task WorkerKilledAmid200InFlightOrders_NewWorkerFinishesEachWithOneAuthorizationAndOneCapture()
    {
        var orders = await system.CreateOrdersAsync(Orders);
        var firstWorker = system.StartWorkerHost();

        var submissions = orders.Select(system.SubmitAsync).ToList();
        await Poll.UntilAsync(
            async () => await system.Sql.CountAsync("payment.payment_transactions", "kind = 'Authorize' AND succeeded") >= Orders / 4,
            TimeSpan.FromSeconds(60));
        await firstWorker.DisposeAsync();
        var deliveredWhenKilled = await system.Sql.CountAsync("\"order\".orders", "status = 'Delivered'");
        system.StartWorkerHost();

        var answers = await Task.WhenAll(submissions);
        var results = await system.ResultsAsync(orders, TimeSpan.FromSeconds(120));

        Assert.InRange(deliveredWhenKilled, 0, Orders - 1);
        Assert.All(answers, status => Assert.Contains(status, (HttpStatusCode[])[HttpStatusCode.OK, HttpStatusCode.Accepted]));
        Assert.All(results, result => Assert.Equal(SagaStages.Delivered, result.Outcome));
        Assert.Equal(Orders, await system.Sql.CountAsync("\"order\".orders", "status = 'Delivered'"));
        var payments = await system.PaymentsPerOrderAsync();
        var authorizations = await system.PaymentTransactionsAsync(nameof(TransactionKind.Authorize));
        var captures = await system.PaymentTransactionsAsync(nameof(TransactionKind.Capture));
        Assert.All(orders, id =>
        {
            Assert.Equal(1, payments.GetValueOrDefault(id));
            Assert.Equal(1, authorizations.GetValueOrDefault(id));
            Assert.Equal(1, captures.GetValueOrDefault(id));
        });
    }
}
