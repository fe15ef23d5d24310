using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
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
using Commerce.Testing;
using Commerce.Workflows.OrderSaga;
using Npgsql;
using Refit;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;

namespace Commerce.Benchmarks;

/// <summary>
/// N orders at concurrency C through the REST API against the whole local system in one host (every context, the
/// Checkout API and the saga worker on a real loopback port), the offline Temporal server in real time, and a
/// throwaway PostgreSQL cluster.
/// </summary>
internal static class OrdersBenchmark
{
    private const int Products = 50;
    private const int Customers = 20;

    public static async Task RunAsync(int count, int concurrency, int warmup)
    {
        var server = await PostgresServer.GetAsync();
        var database = await server.CreateDatabaseAsync(new CommerceTemplate());
        var databaseName = new NpgsqlConnectionStringBuilder(database).Database!;
        await using var machine = Machine.Watch(server.AdminConnectionString);
        await using var temporal = await OfflineTemporalServer.StartAsync(new OfflineTemporalOptions());
        await using var host = new CommerceHostFactory(database, HostedContexts.Everything(),
            new Dictionary<string, string?>
            {
                ["Temporal:Address"] = temporal.Address,
                // Production outbox settings (the test factory's are tuned for fast tests); the dispatcher wakes on commit.
                ["Commerce:Outbox:PollInterval"] = "00:00:01",
                ["Commerce:Outbox:RetryBaseDelay"] = "00:00:01",
                ["Commerce:Outbox:MaxAttempts"] = "8",
                ["Inventory:Reservations:SweeperEnabled"] = "true",
                // The simulated carrier delivers at once, so every saga runs to its end inside the measurement.
                ["Shipping:Carrier:InTransitAfter"] = "00:00:00.050",
                ["Shipping:Carrier:DeliveredAfter"] = "00:00:00.050",
            });
        host.Start();
        // Every call carries a real token, as in production: an operator may do all a shopper does.
        using var http = await host.ClientAsAsync(Clients.Operator);
        http.Timeout = TimeSpan.FromMinutes(2);
        var refit = new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) };

        Console.WriteLine($"setting up {warmup} warm-up + {count} measured orders ({Products} products, {Customers} customers)...");
        var shoppers = await CreateShoppersAsync(RestService.For<ICustomerApi>(http, refit), RestService.For<IPaymentApi>(http, refit));
        var products = await CreateProductsAsync(RestService.For<IProductApi>(http, refit), RestService.For<IInventoryApi>(http, refit));
        var orderApi = RestService.For<IOrderApi>(http, refit);
        var orders = new ConcurrentBag<(Guid Order, Guid Method)>();
        await Parallel.ForAsync(0, warmup + count, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            var shopper = shoppers[i % shoppers.Count];
            var order = await orderApi.CreateOrderAsync(
                new CreateOrderRequest(shopper.Customer, [new CreateOrderItem(products[i % products.Count], 1 + (i % 2))]), cancellationToken: ct);
            orders.Add((order.Id, shopper.Method));
        });
        var all = orders.ToList();

        if (warmup > 0)
        {
            await SubmitAllAsync(http, all[..warmup], concurrency);
            await WaitForSagasAsync(new OrderSagaClient(temporal.Client), all[..warmup].Select(o => o.Order));
        }

        var measured = all[warmup..];
        await SettleAsync(database);
        var xactBefore = await CommitsAsync(server.AdminConnectionString, databaseName);
        var outboxBefore = await OutboxRowsAsync(database);
        var cpuBefore = machine.CpuSeconds();
        var clock = Stopwatch.StartNew();
        var submissions = await SubmitAllAsync(http, measured, concurrency);
        var submitSeconds = clock.Elapsed.TotalSeconds;
        var outcomes = await WaitForSagasAsync(new OrderSagaClient(temporal.Client), measured.Select(o => o.Order));
        var sagaSeconds = clock.Elapsed.TotalSeconds;
        var cpuAfter = machine.CpuSeconds();
        await SettleAsync(database);
        var xactAfter = await CommitsAsync(server.AdminConnectionString, databaseName);
        var outboxAfter = await OutboxRowsAsync(database);

        var confirmed = new ConcurrentBag<double>();
        await Parallel.ForEachAsync(submissions, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (s, ct) =>
        {
            var order = await orderApi.GetOrderAsync(s.Order, ct);
            var at = order.History.First(h => h.To == OrderStatus.Confirmed).At;
            confirmed.Add((at - s.Started).TotalMilliseconds);
        });
        var actions = await CountActionsAsync(new OrderSagaClient(temporal.Client), measured.Select(o => o.Order));

        var accepted = submissions.Count(s => s.Status == HttpStatusCode.OK);
        var acceptedLatency = submissions.Select(s => s.Milliseconds).Order().ToList();
        var confirmedLatency = confirmed.Order().ToList();
        var rate = count / submitSeconds;
        var p99 = Percentile(acceptedLatency, 99);
        var actionsPerOrder = actions.Billed / (double)count;
        var peak = machine.PeakSystemRss;
        var processPeak = Environment.WorkingSet;
        using (var self = Process.GetCurrentProcess())
        {
            processPeak = self.PeakWorkingSet64;
        }

        var systemPeak = processPeak + machine.PeakPostgresRss;
        Console.WriteLine();
        Console.WriteLine($"orders end to end: {count} orders, concurrency {concurrency}, after {warmup} warm-up orders");
        Console.WriteLine($"  submit answers: {accepted} accepted (200), {submissions.Count(s => s.Status == HttpStatusCode.Accepted)} pending (202), "
                          + $"{submissions.Count(s => s.Status is not (HttpStatusCode.OK or HttpStatusCode.Accepted))} other; "
                          + $"sagas: {outcomes.Count(o => o == SagaStages.Delivered)} delivered of {count}");
        Row("throughput (accepted)", $"{rate:F1} orders/s ({submitSeconds:F1} s for all submits)", ">= 100 orders/s", rate >= 100,
            $"{100 - rate:F1} orders/s short");
        Console.WriteLine($"  throughput to delivered: {count / sagaSeconds:F1} orders/s ({sagaSeconds:F1} s until every saga had finished)");
        Row("submit -> accepted", $"p50 {Percentile(acceptedLatency, 50):F0} ms, p95 {Percentile(acceptedLatency, 95):F0} ms, p99 {p99:F0} ms",
            "p99 <= 300 ms", p99 <= 300, $"p99 {p99 - 300:F0} ms over");
        Console.WriteLine($"  submit -> confirmed: p50 {Percentile(confirmedLatency, 50):F0} ms, p95 {Percentile(confirmedLatency, 95):F0} ms, "
                          + $"p99 {Percentile(confirmedLatency, 99):F0} ms (Order's status history)");
        Row("Temporal actions per order", $"{actionsPerOrder:F2} ({actions.Describe(count)})", "<= 12", actionsPerOrder <= 12,
            $"{actionsPerOrder - 12:F2} over");
        Console.WriteLine($"    not counted: {actions.Upserts / (double)count:F2} search-attribute upserts, "
                          + $"{actions.WorkflowTasks / (double)count:F2} workflow tasks, {actions.Events / (double)count:F1} history events per order");
        Console.WriteLine($"  database transactions per order: {(xactAfter - xactBefore) / (double)count:F1} "
                          + "(pg_stat_database.xact_commit delta from first submit until every saga finished and the outboxes drained)");
        Console.WriteLine("    outbox per order (events / deliveries): " + string.Join(", ", outboxAfter.Keys.Select(schema =>
            $"{schema} {(outboxAfter[schema].Events - outboxBefore[schema].Events) / (double)count:F1}"
            + $"/{(outboxAfter[schema].Deliveries - outboxBefore[schema].Deliveries) / (double)count:F1}")));
        Row("peak memory, whole system", $"{Machine.Mb(systemPeak)} (this process {Machine.Mb(processPeak)} + PostgreSQL RSS {Machine.Mb(machine.PeakPostgresRss)})",
            "<= 800 MB", systemPeak <= 800L * 1024 * 1024, $"{Machine.Mb(systemPeak - 800L * 1024 * 1024)} over");
        Console.WriteLine($"    PostgreSQL RSS counts shared buffers once per process; its PSS peak was {Machine.Mb(machine.PeakPostgresPss)}; "
                          + $"sampled system peak {Machine.Mb(peak)}");
        Console.WriteLine($"  CPU during the measured run: this process {(cpuAfter.Self - cpuBefore.Self) / sagaSeconds:F2} cores, "
                          + $"PostgreSQL {(cpuAfter.Postgres - cpuBefore.Postgres) / sagaSeconds:F2} cores "
                          + $"({(cpuAfter.Self - cpuBefore.Self + cpuAfter.Postgres - cpuBefore.Postgres) * 1000 / count:F1} ms CPU per order)");
    }

    private static void Row(string name, string measured, string target, bool met, string miss) =>
        Console.WriteLine($"  {name}: {measured}  [target {target}: {(met ? "met" : $"MISSED, {miss}")}]");

    private static double Percentile(List<double> sorted, double percentile) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static async Task<List<(Guid Customer, Guid Method)>> CreateShoppersAsync(ICustomerApi customers, IPaymentApi payments)
    {
        var shoppers = new List<(Guid, Guid)>();
        for (var i = 0; i < Customers; i++)
        {
            var customer = await customers.RegisterAsync(new RegisterCustomerRequest(
                $"Shopper {i}",
                $"shopper-{Guid.NewGuid():N}@example.com",
                Addresses:
                [
                    new AddressInput(AddressKind.Shipping, $"Shopper {i}", "1 Main Street", "Springfield", "12345", "US", IsDefault: true),
                    new AddressInput(AddressKind.Billing, $"Shopper {i}", "1 Main Street", "Springfield", "12345", "US", IsDefault: true),
                ], Password: TestIdentity.CustomerPassword));
            var method = await payments.AddPaymentMethodAsync(
                new AddPaymentMethodRequest(customer.Id, TestCards.Success, 12, DateTime.UtcNow.Year + 2));
            shoppers.Add((customer.Id, method.Id));
        }

        return shoppers;
    }

    private static async Task<List<Guid>> CreateProductsAsync(IProductApi products, IInventoryApi inventory)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < Products; i++)
        {
            var sku = $"BENCH-{Guid.NewGuid():N}"[..20];
            ids.Add((await products.CreateProductAsync(new CreateProductRequest(sku, $"Product {i}", "bench", 10 + i, "EUR"))).Id);
            await inventory.ReceiveAsync(sku, new ReceiveStockRequest("WH-1", 1_000_000));
        }

        return ids;
    }

    private static async Task<List<Submission>> SubmitAllAsync(HttpClient http, List<(Guid Order, Guid Method)> orders, int concurrency)
    {
        var submissions = new ConcurrentBag<Submission>();
        await Parallel.ForEachAsync(orders, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (o, ct) =>
        {
            var started = DateTimeOffset.UtcNow;
            var watch = Stopwatch.StartNew();
            using var response = await http.PostAsJsonAsync($"/checkout/orders/{o.Order}/submit", new SubmitCheckoutRequest(o.Method),
                CommerceJson.Options, ct);
            submissions.Add(new Submission(o.Order, started, watch.Elapsed.TotalMilliseconds, response.StatusCode));
        });
        return [.. submissions];
    }

    private static async Task<string[]> WaitForSagasAsync(OrderSagaClient sagas, IEnumerable<Guid> orders) =>
        await Task.WhenAll(orders.Select(async id => (await sagas.Handle(id).GetResultAsync()).Outcome));

    /// <summary>
    /// Waits for the outboxes to drain, then closes the pooled connections: a backend reports its transaction
    /// counts to pg_stat_database when it exits (an idle one may hold them back for seconds).
    /// </summary>
    private static async Task SettleAsync(string database)
    {
        await Poll.UntilAsync(() => new Sql(database).UndeliveredEventsAsync(), pending => pending == 0, TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(100));
        NpgsqlConnection.ClearAllPools();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
    }

    /// <summary>Rows in each context's outbox: events written and deliveries fanned out (one per subscriber).</summary>
    private static async Task<Dictionary<string, (long Events, long Deliveries)>> OutboxRowsAsync(string database)
    {
        var sql = new Sql(database);
        var rows = new Dictionary<string, (long, long)>();
        foreach (var schema in HostedContexts.All.Select(context => context.Name.ToLowerInvariant()))
        {
            rows[schema] = (await sql.CountAsync($"\"{schema}\".outbox_messages"), await sql.CountAsync($"\"{schema}\".outbox_deliveries"));
        }

        return rows;
    }

    private static async Task<long> CommitsAsync(string admin, string database)
    {
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT xact_commit FROM pg_stat_database WHERE datname = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// History events a Temporal service bills as actions: workflow started, activity scheduled plus one per retry
    /// (attempt - 1 on the started event), timer started, signal received, update accepted (one action per update).
    /// </summary>
    private static async Task<ActionCount> CountActionsAsync(OrderSagaClient sagas, IEnumerable<Guid> orders)
    {
        var total = new ActionCount();
        foreach (var id in orders)
        {
            var history = await sagas.Handle(id).FetchHistoryAsync();
            foreach (var e in history.Events)
            {
                total.Events++;
                switch (e.EventType)
                {
                    case EventType.WorkflowExecutionStarted: total.Started++; break;
                    case EventType.ActivityTaskScheduled: total.Activities++; break;
                    case EventType.ActivityTaskStarted: total.Retries += Math.Max(0, e.ActivityTaskStartedEventAttributes.Attempt - 1); break;
                    case EventType.TimerStarted: total.Timers++; break;
                    case EventType.WorkflowExecutionSignaled: total.Signals++; break;
                    case EventType.WorkflowExecutionUpdateAccepted: total.Updates++; break;
                    case EventType.UpsertWorkflowSearchAttributes: total.Upserts++; break;
                    case EventType.WorkflowTaskScheduled: total.WorkflowTasks++; break;
                }
            }
        }

        return total;
    }

    private sealed record Submission(Guid Order, DateTimeOffset Started, double Milliseconds, HttpStatusCode Status);

    private sealed class ActionCount
    {
        public long Started { get; set; }

        public long Activities { get; set; }

        public long Retries { get; set; }

        public long Timers { get; set; }

        public long Signals { get; set; }

        public long Updates { get; set; }

        public long Upserts { get; set; }

        public long WorkflowTasks { get; set; }

        public long Events { get; set; }

        public long Billed => Started + Activities + Retries + Timers + Signals + Updates;

        public string Describe(int orders) =>
            $"start {Started / (double)orders:F2} + activities {Activities / (double)orders:F2} + retries {Retries / (double)orders:F2} "
            + $"+ timers {Timers / (double)orders:F2} + signals {Signals / (double)orders:F2} + updates {Updates / (double)orders:F2}";
    }
}
