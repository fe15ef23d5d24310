using Commerce.OfflineTemporal;
using Commerce.Testing;
using Google.Protobuf.WellKnownTypes;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;

namespace Commerce.Host.Testing;

/// <summary>
/// The Temporal a test system runs on. With <c>COMMERCE_TEST_TEMPORAL=host:port</c> it is that real Temporal, and
/// each system gets a namespace of its own there, so test classes running in parallel never see (list, retry,
/// poll the task queue of) each other's sagas. Otherwise, and always for time skipping (only the in-process server
/// has a virtual clock), it is an in-process offline server private to the system.
/// </summary>
public sealed class TestTemporal : IAsyncDisposable
{
    public const string AddressVariable = "COMMERCE_TEST_TEMPORAL";

    private readonly OfflineTemporalServer? offline;

    private TestTemporal(string address, ITemporalClient client, OfflineTemporalServer? offline)
    {
        Address = address;
        Client = client;
        this.offline = offline;
    }

    public string Address { get; }

    public string Namespace => Client.Options.Namespace;

    public ITemporalClient Client { get; }

    /// <summary>The in-process server, for what only it has (its virtual clock).</summary>
    public OfflineTemporalServer Offline => offline ?? throw new InvalidOperationException(
        "Only the in-process server has a virtual clock: a system that needs it must use time skipping.");

    public static async Task<TestTemporal> StartAsync(bool timeSkipping)
    {
        var real = Environment.GetEnvironmentVariable(AddressVariable);
        if (string.IsNullOrWhiteSpace(real) || timeSkipping)
        {
            var server = await OfflineTemporalServer.StartAsync(new OfflineTemporalOptions { TimeSkipping = timeSkipping });
            return new TestTemporal(server.Address, server.Client, server);
        }

        var connection = await TemporalConnection.ConnectAsync(new TemporalConnectionOptions(real));
        var @namespace = $"commerce-tests-{Guid.NewGuid():N}";
        await connection.WorkflowService.RegisterNamespaceAsync(new RegisterNamespaceRequest
        {
            Namespace = @namespace,
            Description = "A Commerce test system's own namespace; safe to delete.",
            // The smallest retention Temporal accepts; the test systems' histories are worth nothing after the run.
            WorkflowExecutionRetentionPeriod = Duration.FromTimeSpan(TimeSpan.FromDays(1)),
        });
        var client = new TemporalClient(connection, new TemporalClientOptions { Namespace = @namespace });
        // A new namespace reaches every frontend's cache within seconds; until then its RPCs fail as not found.
        await Poll.UntilAsync(async () => await AnswersAsync(client), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250));
        return new TestTemporal(real.Trim(), client, null);
    }

    public async ValueTask DisposeAsync()
    {
        if (offline is not null)
        {
            await offline.DisposeAsync();
        }
    }

    private static async Task<bool> AnswersAsync(ITemporalClient client)
    {
        try
        {
            await client.CountWorkflowsAsync("WorkflowType = 'none'");
            return true;
        }
        catch (Temporalio.Exceptions.RpcException e) when (e.Code == Temporalio.Exceptions.RpcException.StatusCode.NotFound)
        {
            return false;
        }
    }
}
