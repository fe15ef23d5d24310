using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.Inventory.Contracts;
using Commerce.OfflineTemporal;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults;
using Commerce.Testing;
using Commerce.Workflows.OrderSaga;
using Microsoft.Extensions.DependencyInjection;
using Refit;
using Temporalio.Client;
using SubmitOrderRequest = Commerce.Checkout.Contracts.SubmitOrderRequest;

namespace Commerce.Faults.Tests;

/// <summary>
/// The whole system for one fault test class: every context and the Checkout API in one host on a real loopback
/// port, the saga worker co-hosted or in hosts of its own, its own PostgreSQL database, and an offline Temporal
/// server in real time. <see cref="Outages"/> makes the hosts' outgoing calls to one context fail as refused.
/// </summary>
public class FaultSystem : IAsyncLifetime
{
    public const string DataContexts = "Customer,Product,Inventory,Order,Payment,Shipping,Notification";

    private readonly PostgresDatabase<CommerceTemplate> database = new();
    private readonly List<CommerceHostFactory> hosts = [];
    private RefitSettings refit = null!;
    private Guid customerId;
    private Guid productId;
    private Guid paymentMethodId;

    public OfflineTemporalServer Temporal { get; private set; } = null!;

    public CommerceHostFactory Host { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public Sql Sql { get; private set; } = null!;

    public PostgresServer Postgres => database.Server;

    /// <summary>The admin's connection string to this system's database (what <see cref="Sql"/> uses).</summary>
    public string ConnectionString => database.ConnectionString;

    public ContextOutages Outages { get; } = new();

    public ITemporalClient TemporalClient => Temporal.Client;

    /// <summary>False runs the worker in hosts of its own (<see cref="StartWorkerHost"/>), so a test can kill it.</summary>
    protected virtual bool CoHostWorker => true;

    /// <summary>Host settings on top of the test defaults (the saga's retry budget, outbox retries...).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        Sql = new Sql(database.ConnectionString);
        Temporal = await OfflineTemporalServer.StartAsync(new OfflineTemporalOptions());
        Host = StartHost($"{DataContexts},Checkout{(CoHostWorker ? ",SagaWorker" : "")}");
        Http = Host.CreateClient();
        Http.Timeout = TimeSpan.FromSeconds(60);
        refit = new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) };

        var customer = await Api<ICustomerApi>().RegisterAsync(new RegisterCustomerRequest(
            "Grace Hopper",
            $"grace-{Guid.NewGuid():N}@example.com",
            Addresses:
            [
                new AddressInput(AddressKind.Shipping, "Grace Hopper", "1 Navy Yard", "Arlington", "22202", "US", IsDefault: true),
                new AddressInput(AddressKind.Billing, "Grace Hopper", "1 Navy Yard", "Arlington", "22202", "US", IsDefault: true),
            ]));
        customerId = customer.Id;
        Sku = $"SKU-{Guid.NewGuid():N}"[..20];
        productId = (await Api<IProductApi>().CreateProductAsync(new CreateProductRequest(Sku, "Compiler", "software", 9.99m, "USD"))).Id;
        await Api<IInventoryApi>().ReceiveAsync(Sku, new ReceiveStockRequest("WH-1", 100_000));
        paymentMethodId = (await Api<IPaymentApi>().AddPaymentMethodAsync(
            new AddPaymentMethodRequest(customerId, TestCards.Success, 12, DateTime.UtcNow.Year + 2))).Id;
    }

    public async Task DisposeAsync()
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }

        await Temporal.DisposeAsync();
        await database.DisposeAsync();
    }

    /// <summary>The SKU every order of this system buys (one unit each; plenty in stock).</summary>
    public string Sku { get; private set; } = "";

    public T Api<T>() => RestService.For<T>(Http, refit);

    /// <summary>A host running only the saga worker, calling the contexts in the main host over HTTP.</summary>
    public CommerceHostFactory StartWorkerHost()
    {
        var address = Host.Services.GetRequiredService<ServiceDefaults.Http.ServiceAddresses>().Self().ToString();
        return StartHost("SagaWorker", new Dictionary<string, string?>
        {
            ["Services:Order:BaseUrl"] = address,
            ["Services:Inventory:BaseUrl"] = address,
            ["Services:Payment:BaseUrl"] = address,
            ["Services:Shipping:BaseUrl"] = address,
        });
    }

    /// <summary>Created (not submitted) orders for one unit each, made <paramref name="parallel"/> at a time.</summary>
    public async Task<List<Guid>> CreateOrdersAsync(int count, int parallel = 16)
    {
        var orders = new ConcurrentBag<Guid>();
        var api = Api<IOrderApi>();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (_, ct) =>
            orders.Add((await api.CreateOrderAsync(new CreateOrderRequest(customerId, [new CreateOrderItem(productId, 1)]), cancellationToken: ct)).Id));
        return [.. orders];
    }

    /// <summary>POST /checkout/orders/{id}/submit; the status code says accepted (200) or parked/pending (202).</summary>
    public async Task<HttpStatusCode> SubmitAsync(Guid orderId)
    {
        using var response = await Http.PostAsJsonAsync(
            $"/checkout/orders/{orderId}/submit", new SubmitOrderRequest(paymentMethodId), CommerceJson.Options);
        return response.StatusCode;
    }

    public WorkflowHandle<OrderSagaWorkflow, OrderSagaResult> Saga(Guid orderId) =>
        TemporalClient.GetWorkflowHandle<OrderSagaWorkflow, OrderSagaResult>(OrderSagaWorkflow.IdFor(orderId));

    /// <summary>Every saga's result (each long-polls the server for its close event); on timeout, says where the rest are.</summary>
    public async Task<OrderSagaResult[]> ResultsAsync(IReadOnlyCollection<Guid> orders, TimeSpan timeout)
    {
        var results = orders.Select(id => (Id: id, Result: Saga(id).GetResultAsync())).ToList();
        try
        {
            return await Task.WhenAll(results.Select(r => r.Result)).WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            var unfinished = await Task.WhenAll(results.Where(r => !r.Result.IsCompleted)
                .Select(async r => await Saga(r.Id).QueryAsync(saga => saga.GetStatus())));
            throw new TimeoutException($"{unfinished.Length} of {orders.Count} sagas unfinished after {timeout}: " + string.Join("; ",
                unfinished.GroupBy(s => $"{s.Stage}/{s.CurrentStep}/attention={s.NeedsAttention}/{s.FailedStep}/{s.LastError}")
                    .Select(g => $"{g.Count()} x {g.Key}")));
        }
    }

    /// <summary>Succeeded payment transactions of one kind per order, counted in Payment's own tables.</summary>
    public async Task<Dictionary<Guid, long>> PaymentTransactionsAsync(string kind) =>
        (await Sql.RowsAsync(
            """
            SELECT p.order_id, count(*) FROM payment.payment_transactions t JOIN payment.payments p ON p.id = t.payment_id
            WHERE t.kind = $1 AND t.succeeded GROUP BY p.order_id
            """, kind))
        .ToDictionary(row => (Guid)row[0]!, row => (long)row[1]!);

    public async Task<Dictionary<Guid, long>> PaymentsPerOrderAsync() =>
        (await Sql.RowsAsync("SELECT order_id, count(*) FROM payment.payments GROUP BY order_id"))
        .ToDictionary(row => (Guid)row[0]!, row => (long)row[1]!);

    /// <summary>Polls real state until <paramref name="condition"/> holds; the systems raise no event to await.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellation.Token);
        }
    }

    private CommerceHostFactory StartHost(string contexts, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Temporal:Address"] = Temporal.Address,
            ["Checkout:Saga:StepMaxAttempts"] = "3",
            ["Checkout:Saga:StepInitialRetryInterval"] = "00:00:00.100",
            ["Checkout:Saga:StepMaximumRetryInterval"] = "00:00:00.200",
            // Generous: on a loaded 2-core machine an attempt can take seconds, and a timed-out attempt is retried.
            ["Checkout:Saga:StepAttemptTimeout"] = "00:00:15",
            ["Shipping:Carrier:InTransitAfter"] = "00:00:00.050",
            ["Shipping:Carrier:DeliveredAfter"] = "00:00:00.050",
        };
        foreach (var (key, value) in Settings.Concat(extra ?? []))
        {
            settings[key] = value;
        }

        var host = new CommerceHostFactory(database.ConnectionString, contexts, settings, services =>
            services.ConfigureHttpClientDefaults(client => client.AddHttpMessageHandler(() => new OutageHandler(Outages))));
        hosts.Add(host);
        return host.Start();
    }
}
