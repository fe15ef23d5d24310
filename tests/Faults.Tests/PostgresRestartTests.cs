using System.Net;
using Commerce.Host;
using Commerce.Payment.Contracts;
using Commerce.Testing;
using Commerce.Workflows.OrderSaga;

namespace Commerce.Faults.Tests;

/// <summary>
/// Restarting PostgreSQL takes the server away from every test in this process, so this class runs alone: xunit
/// runs a collection with parallelization disabled after all the others.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresRestartCollection
{
    public const string Name = "PostgreSQL restart";
}

/// <summary>Budgets that outlast a restart: saga steps retry for about 10 s, outbox deliveries for longer.</summary>
public sealed class RestartSystem : FaultSystem
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        // About 36 s of retries (0.2 s doubling to 5 s, 12 attempts): longer than Payment's 30-s gateway-call lease,
        // which a capture whose answer the restart cut off holds (503, retry with the same key) until it lapses.
        ["Checkout:Saga:StepMaxAttempts"] = "12",
        ["Checkout:Saga:StepInitialRetryInterval"] = "00:00:00.200",
        ["Checkout:Saga:StepMaximumRetryInterval"] = "00:00:05",
        ["Commerce:Outbox:MaxAttempts"] = "12",
        ["Commerce:Outbox:RetryBaseDelay"] = "00:00:00.100",
    };
}

[Collection(PostgresRestartCollection.Name)]
public sealed class PostgresRestartTests(RestartSystem system) : IClassFixture<RestartSystem>
{
    private const int Orders = 100;

    [Fact]
    public async Task PostgresRestartedUnderLoad_ServicesRecoverOnTheirOwnAndNoOrderIsLost()
    {
        var orders = await system.CreateOrdersAsync(Orders);
        var retriedSubmissions = 0;

        // A shop's client retries a submission that failed with a 5xx or a dropped connection: submitting is idempotent.
        var load = Parallel.ForEachAsync(orders, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, _) =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    if (await system.SubmitAsync(id) is HttpStatusCode.OK or HttpStatusCode.Accepted)
                    {
                        return;
                    }
                }
                catch (HttpRequestException) when (attempt < 20)
                {
                }

                Assert.InRange(attempt, 1, 19);
                Interlocked.Increment(ref retriedSubmissions);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt));
            }
        });
        await Poll.UntilAsync(
            async () => await system.Sql.CountAsync("payment.payment_transactions", "kind = 'Authorize' AND succeeded") >= Orders / 4,
            TimeSpan.FromSeconds(60));
        await system.Postgres.RestartAsync();
        // Only the test's own assertion pool (the admin's) is cleared; the services find their broken connections themselves.
        using (var admin = new Npgsql.NpgsqlConnection(system.ConnectionString))
        {
            Npgsql.NpgsqlConnection.ClearPool(admin);
        }

        var loadRunningAtRestart = !load.IsCompleted;
        await load;
        var results = await system.ResultsAsync(orders, TimeSpan.FromSeconds(120));

        Assert.True(loadRunningAtRestart);
        Assert.All(results, result => Assert.Equal(SagaStages.Delivered, result.Outcome));
        Assert.Equal(Orders, await system.Sql.CountAsync("\"order\".orders", "status = 'Delivered'"));
        var authorizations = await system.PaymentTransactionsAsync(nameof(TransactionKind.Authorize));
        var captures = await system.PaymentTransactionsAsync(nameof(TransactionKind.Capture));
        Assert.All(orders, id =>
        {
            Assert.Equal(1, authorizations.GetValueOrDefault(id));
            Assert.Equal(1, captures.GetValueOrDefault(id));
        });
        foreach (var schema in HostedContexts.All.Select(c => c.Name.ToLowerInvariant()))
        {
            Assert.Equal(0, await system.Sql.CountAsync($"\"{schema}\".outbox_deliveries", "status = 2"));
        }

        using var ready = await system.Http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }
}
