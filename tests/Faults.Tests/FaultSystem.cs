using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Commerce.Checkout.Contracts;
using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.Inventory.Contracts;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults;
using Commerce.Workflows.OrderSaga;

namespace Commerce.Faults.Tests;

/// <summary>
/// The whole system (see <see cref="WholeSystem"/>) for one fault test class, seeded with one customer, card and
/// well-stocked product that every order buys.
/// </summary>
public class FaultSystem : WholeSystem
{
    private Guid customerId;
    private Guid productId;
    private Guid paymentMethodId;

    /// <summary>Generous: on a loaded 2-core machine an attempt can take seconds, and a timed-out attempt is retried.</summary>
    protected override TimeSpan StepAttemptTimeout => TimeSpan.FromSeconds(15);

    protected override async Task SeedAsync()
    {
        var customer = await Api<ICustomerApi>().RegisterAsync(new RegisterCustomerRequest(
            "Grace Hopper",
            $"grace-{Guid.NewGuid():N}@example.com",
            Addresses:
            [
                new AddressInput(AddressKind.Shipping, "Grace Hopper", "1 Navy Yard", "Arlington", "22202", "US", IsDefault: true),
                new AddressInput(AddressKind.Billing, "Grace Hopper", "1 Navy Yard", "Arlington", "22202", "US", IsDefault: true),
            ], Password: TestIdentity.CustomerPassword));
        customerId = customer.Id;
        Sku = $"SKU-{Guid.NewGuid():N}"[..20];
        productId = (await Api<IProductApi>().CreateProductAsync(new CreateProductRequest(Sku, "Compiler", "software", 9.99m, "USD"))).Id;
        await Api<IInventoryApi>().ReceiveAsync(Sku, new ReceiveStockRequest("WH-1", 100_000));
        paymentMethodId = (await Api<IPaymentApi>().AddPaymentMethodAsync(
            new AddPaymentMethodRequest(customerId, TestCards.Success, 12, DateTime.UtcNow.Year + 2))).Id;
    }

    /// <summary>The customer's card every order is submitted with.</summary>
    public Guid PaymentMethodId => paymentMethodId;

    /// <summary>The SKU every order of this system buys (one unit each; plenty in stock).</summary>
    public string Sku { get; private set; } = "";

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
            $"/checkout/orders/{orderId}/submit", new SubmitCheckoutRequest(paymentMethodId), CommerceJson.Options);
        return response.StatusCode;
    }

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

    /// <summary>Every saga delivered, every order Delivered, and in Payment's own tables one payment, one authorization and one capture per order.</summary>
    public async Task AssertEachDeliveredWithOneAuthorizationAndOneCaptureAsync(IReadOnlyCollection<Guid> orders, OrderSagaResult[] results)
    {
        Assert.All(results, result => Assert.Equal(SagaStages.Delivered, result.Outcome));
        Assert.Equal(orders.Count, await Sql.CountAsync("\"order\".orders", "status = 'Delivered'"));
        var payments = await PaymentsPerOrderAsync();
        var authorizations = await PaymentTransactionsAsync(nameof(TransactionKind.Authorize));
        var captures = await PaymentTransactionsAsync(nameof(TransactionKind.Capture));
        Assert.All(orders, id =>
        {
            Assert.Equal(1, payments.GetValueOrDefault(id));
            Assert.Equal(1, authorizations.GetValueOrDefault(id));
            Assert.Equal(1, captures.GetValueOrDefault(id));
        });
    }

    public async Task<Dictionary<Guid, long>> PaymentsPerOrderAsync() =>
        (await Sql.RowsAsync("SELECT order_id, count(*) FROM payment.payments GROUP BY order_id"))
        .ToDictionary(row => (Guid)row[0]!, row => (long)row[1]!);
}
