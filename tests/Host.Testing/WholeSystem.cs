using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Http;
using Commerce.Testing;
using Commerce.Workflows.OrderSaga;
using Microsoft.Extensions.DependencyInjection;
using Refit;
using Temporalio.Client;
using Xunit;

namespace Commerce.Host.Testing;

/// <summary>
/// The whole system for one test class: every context and the Checkout API in one host on a real loopback port,
/// the saga worker co-hosted or in hosts of its own, its own PostgreSQL database, and a Temporal of its own (see <see cref="TestTemporal"/>).
/// Only the edges are simulated (gateway, carrier, channels) — plus <see cref="Outages"/>, which makes the hosts'
/// outgoing calls to one context fail as refused. Subclasses add their data in <see cref="SeedAsync"/>.
/// </summary>
public abstract class WholeSystem : IAsyncLifetime
{
    private readonly PostgresDatabase<CommerceTemplate> database = new();
    private readonly List<CommerceHostFactory> hosts = [];
    private readonly List<HostProcess> processes = [];
    private readonly RefitSettings refit = new() { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) };

    private int contextsPort;

    public TestTemporal Temporal { get; private set; } = null!;

    /// <summary>The in-process host of the contexts and the Checkout API; unset when they run in a child process (<see cref="ContextsProcess"/>).</summary>
    public CommerceHostFactory Host { get; private set; } = null!;

    /// <summary>The child process running the contexts and the Checkout API, when <see cref="ContextsInChildProcess"/>.</summary>
    public HostProcess? ContextsProcess { get; private set; }

    /// <summary>Where the contexts and the Checkout API answer, in process or in a child process.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>An operator's client of the main host (real token).</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>A client of the main host with no token.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    public Sql Sql { get; private set; } = null!;

    public PostgresServer Postgres => database.Server;

    /// <summary>The admin's connection string to this system's database (what <see cref="Sql"/> uses).</summary>
    public string ConnectionString => database.ConnectionString;

    public ContextOutages Outages { get; } = new();

    public ITemporalClient TemporalClient => Temporal.Client;

    /// <summary>
    /// Time-skipping for tests that wait out the 15-minute reservation window; the hosts then read the time from the
    /// same virtual clock (<see cref="VirtualTime"/>), as they would share the wall clock with a real Temporal.
    /// </summary>
    protected virtual bool TimeSkipping => false;

    /// <summary>False runs the worker in hosts of its own (<see cref="StartWorkerHost"/>), so a test can kill it.</summary>
    protected virtual bool CoHostWorker => true;

    /// <summary>True runs the contexts and the Checkout API in a child process (the worker then in hosts of its own), so a test can SIGKILL it.</summary>
    protected virtual bool ContextsInChildProcess => false;

    /// <summary>Per saga step attempt; a timed-out attempt (e.g. on a killed worker) is retried after it.</summary>
    protected virtual TimeSpan StepAttemptTimeout => TimeSpan.FromSeconds(3);

    /// <summary>Host settings on top of the test defaults (the saga's retry budget, outbox retries...).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        Sql = new Sql(database.ConnectionString);
        Temporal = await TestTemporal.StartAsync(TimeSkipping);
        if (ContextsInChildProcess)
        {
            contextsPort = HostProcess.FreePort();
            await StartContextsProcessAsync();
            Http = await ClientAsAsync(Commerce.ServiceDefaults.Security.Clients.Operator);
        }
        else
        {
            Host = StartHost(HostedContexts.Everything(withSagaWorker: CoHostWorker));
            Address = Host.Services.GetRequiredService<ServiceAddresses>().Self();
            Http = await ClientAsAsync(Commerce.ServiceDefaults.Security.Clients.Operator);
        }

        Anonymous = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        await SeedAsync();
    }

    /// <summary>
    /// Starts the contexts and the Checkout API in a new child process on the same address as before (the previous
    /// one is gone, e.g. killed), so the worker hosts' clients and <see cref="Http"/> reach it unchanged.
    /// </summary>
    public async Task StartContextsProcessAsync()
    {
        ContextsProcess = await HostProcess.StartAsync(
            database.ConnectionString, HostedContexts.Everything(withSagaWorker: false), contextsPort, HostSettings());
        processes.Add(ContextsProcess);
        Address = ContextsProcess.Address;
        TestIdentity.RegisterHost(Address, Address);
    }

    /// <summary>A child process running only the saga worker, calling the contexts over HTTP; SIGKILL it with <see cref="HostProcess.Kill"/>.</summary>
    public async Task<HostProcess> StartWorkerProcessAsync()
    {
        var worker = await HostProcess.StartAsync(database.ConnectionString, HostedContexts.SagaWorker, HostProcess.FreePort(), HostSettings(WorkerSettings()));
        processes.Add(worker);
        return worker;
    }

    /// <summary>
    /// Stops the main host (gracefully: its background work is cancelled and what it kept in memory is gone) and
    /// starts a new one on the same database and Temporal, as an operator restarting the service would.
    /// </summary>
    public async Task RestartHostAsync()
    {
        hosts.Remove(Host);
        await Host.DisposeAsync();
        Host = StartHost(HostedContexts.Everything(withSagaWorker: CoHostWorker));
        Address = Host.Services.GetRequiredService<ServiceAddresses>().Self();
        Http = await ClientAsAsync(Commerce.ServiceDefaults.Security.Clients.Operator);
        Anonymous = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }

        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }

        await Temporal.DisposeAsync();
        await database.DisposeAsync();
    }

    /// <summary>A new client of the main host carrying a token of <paramref name="clientId"/> (an operator's or a service's).</summary>
    public async Task<HttpClient> ClientAsAsync(string clientId) =>
        TestIdentity.ClientWith(Address, await TestIdentity.ClientTokenAsync(Address, clientId));

    /// <summary>A new client of the main host carrying the token of the customer who registered with <paramref name="email"/>.</summary>
    public async Task<HttpClient> CustomerClientAsync(string email, string password = TestIdentity.CustomerPassword) =>
        TestIdentity.ClientWith(Address, await TestIdentity.CustomerTokenAsync(Address, email, password));

    /// <summary>A Refit client for one of the system's APIs, over the main host's real port.</summary>
    public T Api<T>() => RestService.For<T>(Http, refit);

    /// <summary>The saga client the Checkout API and the CLI use, on this system's Temporal.</summary>
    public OrderSagaClient Sagas => new(TemporalClient);

    public WorkflowHandle<OrderSagaWorkflow, OrderSagaResult> Saga(Guid orderId) => Sagas.Handle(orderId);

    /// <summary>A host running only the saga worker, calling the contexts in the main host over HTTP.</summary>
    public CommerceHostFactory StartWorkerHost() => StartHost(HostedContexts.SagaWorker, WorkerSettings());

    /// <summary>Test services for every host of the system (e.g. a span recorder), on top of the host's own.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>The data the subclass's tests start from, loaded through the APIs once the host serves.</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;

    private Dictionary<string, string?> WorkerSettings() => new()
    {
        ["Authentication:Authority"] = Address.ToString(),
        ["Services:Order:BaseUrl"] = Address.ToString(),
        ["Services:Inventory:BaseUrl"] = Address.ToString(),
        ["Services:Payment:BaseUrl"] = Address.ToString(),
        ["Services:Shipping:BaseUrl"] = Address.ToString(),
        ["Services:Promotion:BaseUrl"] = Address.ToString(),
    };

    /// <summary>The system's host settings: the test defaults of every system, then <see cref="Settings"/>, then <paramref name="extra"/>.</summary>
    private Dictionary<string, string?> HostSettings(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Temporal:Address"] = Temporal.Address,
            ["Temporal:Namespace"] = Temporal.Namespace,
            // Small retry budgets so parking happens in a second or two of real time.
            ["Checkout:Saga:StepMaxAttempts"] = "3",
            ["Checkout:Saga:StepInitialRetryInterval"] = "00:00:00.100",
            ["Checkout:Saga:StepMaximumRetryInterval"] = "00:00:00.200",
            ["Checkout:Saga:StepAttemptTimeout"] = StepAttemptTimeout.ToString(),
            ["Shipping:Carrier:InTransitAfter"] = "00:00:00.050",
            ["Shipping:Carrier:DeliveredAfter"] = "00:00:00.050",
        };
        foreach (var (key, value) in Settings.Concat(extra ?? []))
        {
            settings[key] = value;
        }

        return settings;
    }

    private CommerceHostFactory StartHost(string contexts, Dictionary<string, string?>? extra = null)
    {
        var host = new CommerceHostFactory(database.ConnectionString, contexts, HostSettings(extra), services =>
        {
            services.ConfigureHttpClientDefaults(client => client.AddHttpMessageHandler(() => new OutageHandler(Outages)));
            if (TimeSkipping)
            {
                services.AddSingleton<TimeProvider>(new VirtualTime(Temporal.Offline));
            }

            ConfigureServices(services);
        });
        hosts.Add(host);
        return host.Start();
    }
}
