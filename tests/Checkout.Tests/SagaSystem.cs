using Commerce.Checkout.Contracts;
using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.Inventory.Contracts;
using Commerce.OfflineTemporal;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults;
using Commerce.Shipping.Contracts;
using Commerce.Testing;
using Commerce.Workflows.OrderSaga;
using Microsoft.Extensions.DependencyInjection;
using Refit;
using Temporalio.Client;

namespace Commerce.Checkout.Tests;

/// <summary>
/// The whole system for one test class: every context, the Checkout API and the saga worker in one host on a real
/// loopback port, its own PostgreSQL database, and an offline Temporal server. Only the edges are simulated (the
/// payment gateway, the carrier, the notification channels) — plus <see cref="Outages"/>, which makes the
/// worker's calls to one context fail as if that service were down.
/// </summary>
public class SagaSystem : IAsyncLifetime
{
    public const string DataContexts = "Customer,Product,Inventory,Order,Payment,Shipping,Notification";

    private readonly PostgresDatabase<CommerceTemplate> database = new();
    private readonly List<CommerceHostFactory> hosts = [];

    public OfflineTemporalServer Temporal { get; private set; } = null!;

    public CommerceHostFactory Host { get; private set; } = null!;

    public Sql Sql { get; private set; } = null!;

    public ContextOutages Outages { get; } = new();

    public ICheckoutApi Checkout { get; private set; } = null!;

    public IOrderApi Orders { get; private set; } = null!;

    public IInventoryApi Inventory { get; private set; } = null!;

    public IPaymentApi Payments { get; private set; } = null!;

    public IShippingApi Shipping { get; private set; } = null!;

    public ITemporalClient TemporalClient => Temporal.Client;

    /// <summary>Time-skipping for tests that wait out the 15-minute reservation window.</summary>
    protected virtual bool TimeSkipping => false;

    /// <summary>False runs the worker in hosts of its own (<see cref="StartWorkerHost"/>), so a test can kill it.</summary>
    protected virtual bool CoHostWorker => true;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        Sql = new Sql(database.ConnectionString);
        Temporal = await OfflineTemporalServer.StartAsync(new OfflineTemporalOptions { TimeSkipping = TimeSkipping });
        Host = StartHost($"{DataContexts},Checkout{(CoHostWorker ? ",SagaWorker" : "")}");

        var http = Host.CreateClient();
        var refit = new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) };
        Checkout = RestService.For<ICheckoutApi>(http, refit);
        Orders = RestService.For<IOrderApi>(http, refit);
        Inventory = RestService.For<IInventoryApi>(http, refit);
        Payments = RestService.For<IPaymentApi>(http, refit);
        Shipping = RestService.For<IShippingApi>(http, refit);
        Customers = RestService.For<ICustomerApi>(http, refit);
        Products = RestService.For<IProductApi>(http, refit);
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

    /// <summary>A customer with default addresses, a card, and an order for <paramref name="quantity"/> of a new product.</summary>
    public async Task<NewOrder> NewOrderAsync(int stock = 10, int quantity = 2, string card = TestCards.Success)
    {
        var customer = await Customers.RegisterAsync(new RegisterCustomerRequest(
            "Ada Lovelace",
            $"ada-{Guid.NewGuid():N}@example.com",
            Addresses:
            [
                new AddressInput(AddressKind.Shipping, "Ada Lovelace", "12 St James's Square", "London", "SW1Y 4JH", "GB", IsDefault: true),
                new AddressInput(AddressKind.Billing, "Ada Lovelace", "12 St James's Square", "London", "SW1Y 4JH", "GB", IsDefault: true),
            ]));
        var sku = $"SKU-{Guid.NewGuid():N}"[..20];
        var product = await Products.CreateProductAsync(new CreateProductRequest(sku, "Analytical Engine", "machines", 12.50m, "EUR"));
        await Inventory.ReceiveAsync(sku, new ReceiveStockRequest("WH-1", stock));
        var method = await Payments.AddPaymentMethodAsync(new AddPaymentMethodRequest(customer.Id, card, 12, DateTime.UtcNow.Year + 2));
        var order = await Orders.CreateOrderAsync(new CreateOrderRequest(customer.Id, [new CreateOrderItem(product.Id, quantity)]));
        return new NewOrder(order.Id, method.Id, sku, quantity);
    }

    public WorkflowHandle<OrderSagaWorkflow, OrderSagaResult> Saga(Guid orderId) =>
        TemporalClient.GetWorkflowHandle<OrderSagaWorkflow, OrderSagaResult>(OrderSagaWorkflow.IdFor(orderId));

    /// <summary>Polls the saga's query until <paramref name="condition"/> holds (the saga raises no event to await).</summary>
    public async Task<OrderSagaStatus> WaitForSagaAsync(Guid orderId, Func<OrderSagaStatus, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var status = await Saga(orderId).QueryAsync(saga => saga.GetStatus());
            if (condition(status))
            {
                return status;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token);
        }
    }

    /// <summary>Succeeded payment transactions of one kind for an order, counted in Payment's own tables.</summary>
    public Task<long> PaymentTransactionsAsync(Guid orderId, string kind) =>
        Sql.CountAsync(
            "payment.payment_transactions t JOIN payment.payments p ON p.id = t.payment_id",
            "p.order_id = $1 AND t.kind = $2 AND t.succeeded",
            orderId, kind);

    private ICustomerApi Customers { get; set; } = null!;

    private IProductApi Products { get; set; } = null!;

    private CommerceHostFactory StartHost(string contexts, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Temporal:Address"] = Temporal.Address,
            // Small retry budgets so parking happens in a second or two of real time.
            ["Checkout:Saga:StepMaxAttempts"] = "3",
            ["Checkout:Saga:StepInitialRetryInterval"] = "00:00:00.100",
            ["Checkout:Saga:StepMaximumRetryInterval"] = "00:00:00.200",
            ["Checkout:Saga:StepAttemptTimeout"] = "00:00:03",
            ["Shipping:Carrier:InTransitAfter"] = "00:00:00.050",
            ["Shipping:Carrier:DeliveredAfter"] = "00:00:00.050",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var host = new CommerceHostFactory(database.ConnectionString, contexts, settings, services =>
            services.ConfigureHttpClientDefaults(client => client.AddHttpMessageHandler(() => new OutageHandler(Outages))));
        hosts.Add(host);
        return host.Start();
    }
}

public sealed record NewOrder(Guid OrderId, Guid PaymentMethodId, string Sku, int Quantity);
