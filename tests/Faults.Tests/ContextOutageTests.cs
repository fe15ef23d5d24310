using System.Net;
using Commerce.Cli;
using Commerce.Payment.Contracts;
using Commerce.Testing;
using Commerce.Workflows.OrderSaga;

namespace Commerce.Faults.Tests;

/// <summary>
/// A retry budget of 8 attempts, 0.2 s doubling to 1 s: about 5.4 s of waiting before a step parks. Submissions wait
/// up to a minute for the saga's decision, so their answer tells accepted (200) from parked (202) however slow the machine.
/// </summary>
public sealed class OutageSystem : FaultSystem
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Checkout:Saga:StepMaxAttempts"] = "8",
        ["Checkout:DecisionTimeout"] = "00:01:00",
        ["Checkout:Saga:StepInitialRetryInterval"] = "00:00:00.200",
        ["Checkout:Saga:StepMaximumRetryInterval"] = "00:00:01",
    };
}

public sealed class ContextOutageTests(OutageSystem system) : IClassFixture<OutageSystem>
{
    private const int Orders = 20;

    [Fact]
    public async Task InventoryDownShorterThanRetryBudget_OrdersWaitAndResumeOnTheirOwn()
    {
        var orders = await system.CreateOrdersAsync(Orders);
        system.Outages.TakeDown("/inventory");
        var refusedBefore = system.Outages.Refused;

        var submissions = orders.Select(system.SubmitAsync).ToList();
        // One refused reservation per order on average: the sagas are waiting out the outage in their retries.
        await Poll.UntilAsync(() => Task.FromResult(system.Outages.Refused - refusedBefore >= Orders), TimeSpan.FromSeconds(30));
        var answeredDuringOutage = submissions.Count(s => s.IsCompleted);
        system.Outages.BringUp("/inventory");
        var answers = await Task.WhenAll(submissions);
        var results = await system.ResultsAsync(orders, TimeSpan.FromSeconds(60));

        Assert.Equal(0, answeredDuringOutage);
        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.All(results, result => Assert.Equal(SagaStages.Delivered, result.Outcome));
        await AssertMoneyMovedOnceAsync(orders);
    }

    [Fact]
    public async Task InventoryDownLongerThanRetryBudget_OrdersParkThenBatchRetryFinishesThem()
    {
        var orders = await system.CreateOrdersAsync(Orders);
        system.Outages.TakeDown("/inventory");

        var answers = await Task.WhenAll(orders.Select(system.SubmitAsync));
        var parked = await Task.WhenAll(orders.Select(id => system.Saga(id).QueryAsync(saga => saga.GetStatus())));
        system.Outages.BringUp("/inventory");
        using var output = new StringWriter();
        var exit = await CommerceCommand.RunAsync(
            ["orders", "retry", "--all-stuck", "--address", system.Temporal.Address, "--namespace", system.Temporal.Namespace],
            new System.CommandLine.InvocationConfiguration { Output = output, Error = output });
        var results = await system.ResultsAsync(orders, TimeSpan.FromSeconds(60));

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.Accepted, status));
        Assert.All(parked, status =>
        {
            Assert.True(status.NeedsAttention);
            Assert.Equal(SagaSteps.ReserveInventory, status.FailedStep);
        });
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains($"Retried {Orders} of {Orders} stuck orders.", output.ToString(), StringComparison.Ordinal);
        Assert.All(results, result => Assert.Equal(SagaStages.Delivered, result.Outcome));
        await AssertMoneyMovedOnceAsync(orders);
    }

    private async Task AssertMoneyMovedOnceAsync(List<Guid> orders)
    {
        var authorizations = await system.PaymentTransactionsAsync(nameof(TransactionKind.Authorize));
        var captures = await system.PaymentTransactionsAsync(nameof(TransactionKind.Capture));
        Assert.All(orders, id =>
        {
            Assert.Equal(1, authorizations.GetValueOrDefault(id));
            Assert.Equal(1, captures.GetValueOrDefault(id));
        });
    }
}
