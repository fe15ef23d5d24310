using Commerce.OfflineTemporal;
using Commerce.Testing;
using Commerce.Workflows.OrderSaga;
using Temporalio.Client;
using Temporalio.Worker;
using Xunit;

namespace Commerce.SagaTesting;

/// <summary>
/// One time-skipping offline Temporal server per test class; each test runs its sagas on a task queue of its own
/// with its own <see cref="FakeOwners"/>, so tests in a class never see each other's activities.
/// </summary>
public sealed class SagaServer : IAsyncLifetime
{
    private OfflineTemporalServer? server;

    public ITemporalClient Client => server?.Client ?? throw new InvalidOperationException("Not started.");

    public string Address => server?.Address ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        server = await OfflineTemporalServer.StartAsync(new OfflineTemporalOptions { TimeSkipping = true });
        await OrderSearchAttributes.RegisterAsync(server.Client);
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

/// <summary>A worker with fake owners on a fresh task queue, plus shortcuts for starting and steering sagas.</summary>
public sealed class SagaHarness : IAsyncDisposable
{
    /// <summary>Small budgets keep the tests short; time skipping makes the waits free anyway.</summary>
    public static readonly OrderSagaSettings FastSettings = OrderSagaSettings.Default with
    {
        StepMaxAttempts = 3,
        StepInitialRetryInterval = TimeSpan.FromSeconds(1),
        StepMaximumRetryInterval = TimeSpan.FromSeconds(2),
        StepAttemptTimeout = TimeSpan.FromSeconds(10),
    };

    private readonly TemporalWorker worker;
    private readonly Task running;
    private readonly CancellationTokenSource stop = new();

    private SagaHarness(ITemporalClient client, FakeOwners owners, string taskQueue)
    {
        Client = client;
        Owners = owners;
        Sagas = new OrderSagaClient(client, taskQueue);
        worker = new TemporalWorker(client, new TemporalWorkerOptions(taskQueue)
            .AddWorkflow<OrderSagaWorkflow>()
            .AddAllActivities(owners)
            .AddFormerActivityNames());
        running = worker.ExecuteAsync(stop.Token);
    }

    public ITemporalClient Client { get; }

    public FakeOwners Owners { get; }

    /// <summary>The production client, starting sagas on this harness's task queue.</summary>
    public OrderSagaClient Sagas { get; }

    public static SagaHarness Start(SagaServer server, FakeOwners? owners = null) =>
        new(server.Client, owners ?? new FakeOwners(server.Client), $"saga-tests-{Guid.NewGuid():N}");

    public static OrderSagaInput NewOrder(OrderSagaSettings? settings = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), settings ?? FastSettings);

    /// <summary>Submits the way the API does, with the API's client: answered at acceptance, rejection or parking.</summary>
    public Task<OrderSagaStatus> SubmitAsync(OrderSagaInput input) => Sagas.SubmitAsync(input);

    /// <summary>Submits an order whose <paramref name="step"/> keeps failing; returns once the saga parks there.</summary>
    public async Task<OrderSagaInput> SubmitParkedAtAsync(string step)
    {
        Owners.FailAlways(step, $"{step} is down");
        var order = NewOrder();
        await SubmitAsync(order);
        await WaitForStatusAsync(order, status => status.NeedsAttention);
        return order;
    }

    public WorkflowHandle<OrderSagaWorkflow, OrderSagaResult> Handle(OrderSagaInput input) => Sagas.Handle(input.OrderId);

    /// <summary>Polls the saga's query until it reports what the test waits for (the saga has no event to await).</summary>
    public Task<OrderSagaStatus> WaitForStatusAsync(OrderSagaInput input, Func<OrderSagaStatus, bool> condition) =>
        Poll.UntilAsync(() => Handle(input).QueryAsync(saga => saga.GetStatus()), condition, TimeSpan.FromSeconds(20));

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
            // The normal way a worker stops.
        }

        worker.Dispose();
        stop.Dispose();
    }
}
