using Commerce.Checkout.Contracts;
using Commerce.Customer.Contracts;
using Commerce.Host;
using Commerce.Host.Testing;
using Commerce.Inventory.Contracts;
using Commerce.OfflineTemporal;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;
using Commerce.Shipping.Contracts;
using Commerce.Testing;
using Commerce.Workflows.OrderSaga;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace Commerce.BadInput.Tests;

/// <summary>
/// The whole system once for the suite (every context, the Checkout API and the saga worker in one host, its own
/// database, an offline Temporal server) with the data hostile requests aim at: a customer with a card and a
/// Created order, another customer's card, a product with stock, a discontinued product, and an order that went
/// all the way to Delivered (a captured payment, a shipment, a used reservation key). Setup waits until every
/// event is delivered, so any row a case adds is the case's doing.
/// </summary>
public sealed class BadInputSystem : IAsyncLifetime
{
    /// <summary>What the cases sign carrier webhook calls with, so those reach the checks behind the signature.</summary>
    public const string CarrierWebhookSecret = "bad-input-carrier-webhook-secret-0123456789";

    private readonly PostgresDatabase<CommerceTemplate> database = new();

    public OfflineTemporalServer Temporal { get; private set; } = null!;

    public CommerceHostFactory Host { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public Sql Sql { get; private set; } = null!;

    /// <summary>Every problem the host answered, to hold the OpenAPI documents to (see <see cref="ProblemRecorder"/>).</summary>
    public ProblemRecorder Problems => Host.Services.GetRequiredService<ProblemRecorder>();

    /// <summary>Values for the {placeholders} in the cases' paths, bodies and arguments.</summary>
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        Sql = new Sql(database.ConnectionString);
        Temporal = await OfflineTemporalServer.StartAsync(new OfflineTemporalOptions());
        Host = new CommerceHostFactory(database.ConnectionString, HostedContexts.Everything(), new Dictionary<string, string?>
        {
            ["Temporal:Address"] = Temporal.Address,
            ["Shipping:Carrier:WebhookSecret"] = CarrierWebhookSecret,
            ["Shipping:Carrier:InTransitAfter"] = "00:00:00.050",
            ["Shipping:Carrier:DeliveredAfter"] = "00:00:00.050",
        }, ProblemRecorder.AddTo).Start();
        Client = await Host.ClientAsAsync(Clients.Operator);
        await SeedAsync();
        await WaitUntilQuietAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        await Temporal.DisposeAsync();
        await database.DisposeAsync();
    }

    /// <summary><c>count(*)</c> of every table in every context's schema, read as the admin.</summary>
    public async Task<SortedDictionary<string, long>> CountRowsAsync()
    {
        var tables = await Sql.RowsAsync("""
            SELECT table_schema, table_name FROM information_schema.tables
            WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema', 'public')
              -- A service's first call to another owner fetches its token, whichever request it serves: the token
              -- server's records of issued tokens are not something a refused request wrote.
              AND (table_schema, table_name) NOT IN (('customer', 'open_iddict_tokens'), ('customer', 'open_iddict_authorizations'))
              -- A refused write is audited: that row is the audit trail doing its job, not something the request wrote.
              AND table_name <> 'audit_records'
            ORDER BY 1, 2
            """);
        var query = string.Join(" UNION ALL ", tables.Select(t =>
            $"""SELECT '{t[0]}.{t[1]}', count(*) FROM "{t[0]}"."{t[1]}" """));
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var row in await Sql.RowsAsync(query))
        {
            counts[(string)row[0]!] = (long)row[1]!;
        }

        return counts;
    }

    private async Task SeedAsync()
    {
        var refit = new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) };
        var customers = RestService.For<ICustomerApi>(Client, refit);
        var products = RestService.For<IProductApi>(Client, refit);
        var inventory = RestService.For<IInventoryApi>(Client, refit);
        var payments = RestService.For<IPaymentApi>(Client, refit);
        var orders = RestService.For<IOrderApi>(Client, refit);
        var checkout = RestService.For<ICheckoutApi>(Client, refit);
        var shipping = RestService.For<IShippingApi>(Client, refit);

        AddressInput[] addresses =
        [
            new(AddressKind.Shipping, "Ada Lovelace", "12 St James's Square", "London", "SW1Y 4JH", "GB", IsDefault: true),
            new(AddressKind.Billing, "Ada Lovelace", "12 St James's Square", "London", "SW1Y 4JH", "GB", IsDefault: true),
        ];
        var ada = await customers.RegisterAsync(new RegisterCustomerRequest("Ada Lovelace", "ada@example.com", Addresses: addresses, Password: TestIdentity.CustomerPassword));
        var grace = await customers.RegisterAsync(new RegisterCustomerRequest("Grace Hopper", "grace@example.com", Addresses: addresses, Password: TestIdentity.CustomerPassword));
        var product = await products.CreateProductAsync(new CreateProductRequest("ENGINE-1", "Analytical Engine", "machines", 12.50m, "EUR"));
        var gone = await products.CreateProductAsync(new CreateProductRequest("ENGINE-0", "Difference Engine", "machines", 9.50m, "EUR"));
        await products.DiscontinueAsync(gone.Id);
        var expensive = await products.CreateProductAsync(new CreateProductRequest("ENGINE-9", "Babbage's Dream", "machines", 9_000_000_000_000_000m, "EUR"));
        await inventory.ReceiveAsync(product.Sku, new ReceiveStockRequest("WH-1", 20));
        var year = DateTime.UtcNow.Year + 2;
        var adaCard = await payments.AddPaymentMethodAsync(new AddPaymentMethodRequest(ada.Id, TestCards.Success, 12, year));
        var graceCard = await payments.AddPaymentMethodAsync(new AddPaymentMethodRequest(grace.Id, TestCards.Success, 12, year));
        var open = await orders.CreateOrderAsync(new CreateOrderRequest(ada.Id, [new CreateOrderItem(product.Id, 1)]));

        var delivered = await orders.CreateOrderAsync(new CreateOrderRequest(ada.Id, [new CreateOrderItem(product.Id, 2)]));
        var submitted = await checkout.SubmitAsync(delivered.Id, new Checkout.Contracts.SubmitCheckoutRequest(adaCard.Id));
        await submitted.EnsureSuccessStatusCodeAsync();
        var result = await new OrderSagaClient(Temporal.Client).Handle(delivered.Id).GetResultAsync();
        if (result.Outcome != SagaStages.Delivered)
        {
            throw new InvalidOperationException($"The seeded order ended {result.Outcome}: {result.Reason}");
        }

        var payment = (await payments.ListPaymentsAsync(delivered.Id)).Single();
        var shipment = await shipping.GetShipmentForOrderAsync(delivered.Id);

        Values["customer"] = ada.Id.ToString();
        Values["customerEmail"] = ada.Email;
        Values["otherCustomer"] = grace.Id.ToString();
        Values["product"] = product.Id.ToString();
        Values["discontinuedProduct"] = gone.Id.ToString();
        Values["expensiveProduct"] = expensive.Id.ToString();
        Values["sku"] = product.Sku;
        Values["method"] = adaCard.Id.ToString();
        Values["otherMethod"] = graceCard.Id.ToString();
        Values["order"] = open.Id.ToString();
        Values["deliveredOrder"] = delivered.Id.ToString();
        Values["reservationKey"] = $"order-{delivered.Id:N}-reservation";
        Values["payment"] = payment.Id.ToString();
        Values["shipment"] = shipment.Id.ToString();
        Values["tracking"] = shipment.TrackingNumber;
        Values["unknown"] = "6f1e4c2a-0b9d-4e37-8a51-3c2d7e9f0a14";
        Values["nextYear"] = (DateTime.UtcNow.Year + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Values["temporal"] = Temporal.Address;
    }

    /// <summary>
    /// Waits until every outbox event is fanned out and delivered and every notification is settled, and the row
    /// counts hold still: from then on nothing writes unless a request makes it.
    /// </summary>
    private async Task WaitUntilQuietAsync()
    {
        SortedDictionary<string, long>? previous = null;
        await Poll.UntilAsync(async () =>
        {
            var counts = await CountRowsAsync();
            var quiet = previous is not null && previous.SequenceEqual(counts)
                        && await Sql.UndeliveredEventsAsync() + await Sql.CountAsync("notification.notifications", "status = 'Pending'") == 0;
            previous = counts;
            return quiet;
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));
    }
}
