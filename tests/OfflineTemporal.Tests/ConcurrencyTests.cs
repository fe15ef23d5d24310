namespace Commerce.OfflineTemporal.Tests;

/// <summary>Issue item 10: many workers, pollers and clients at once.</summary>
public class ConcurrencyTests
{
    [Fact]
    public async Task ManyWorkersAndClients_HundredsOfWorkflows_AllCompleteCorrectly()
    {
        await using var server = await Server.StartAsync(timeSkipping: false);
        var tq = Server.NewTaskQueue();
        var clients = new List<ITemporalClient> { server.Client, await server.ConnectClientAsync(), await server.ConnectClientAsync() };
        var workers = clients.Select(c => new TemporalWorker(c, Server.Worker(tq).AddWorkflow<GreetWorkflow>().AddWorkflow<WaitingWorkflow>().AddAllActivities(new GreetActivities()))).ToList();
        using var stop = new CancellationTokenSource();
        var running = workers.Select(w => w.ExecuteAsync(stop.Token)).ToList();
        try
        {
            var greetings = Enumerable.Range(0, 150).Select(async i =>
            {
                var client = clients[i % clients.Count];
                return (i, await client.ExecuteWorkflowAsync((GreetWorkflow w) => w.RunAsync(new($"n{i}")), Server.Options(tq)));
            });
            var signalled = Enumerable.Range(0, 30).Select(async i =>
            {
                var handle = await clients[i % clients.Count].StartWorkflowAsync((WaitingWorkflow w) => w.RunAsync(3), Server.Options(tq));
                await Task.WhenAll(clients.Select(c => c.GetWorkflowHandle<WaitingWorkflow>(handle.Id).SignalAsync(w => w.SignalAsync("s"))));
                return await handle.GetResultAsync();
            });

            foreach (var (i, result) in await Task.WhenAll(greetings))
            {
                Assert.Equal($"Hello, Hello, n{i}", result);
            }

            Assert.All(await Task.WhenAll(signalled), r => Assert.Equal("s,s,s", r));
            Assert.Equal(180, (await server.Client.CountWorkflowsAsync("ExecutionStatus = 'Completed'")).Count);
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var task in running)
            {
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
            }

            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }
    }
}
