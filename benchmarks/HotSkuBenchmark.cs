using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Commerce.Host.Testing;
using Commerce.Inventory.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;
using Commerce.Testing;
using Npgsql;

namespace Commerce.Benchmarks;

/// <summary>
/// C concurrent reservers against one SKU with limited stock through Inventory's reservation API, checked for
/// overselling in the database, next to the same single-row conditional UPDATE issued straight to PostgreSQL.
/// </summary>
internal static class HotSkuBenchmark
{
    private const double TargetRatio = 0.25;
    private const double TargetCpuMs = 1.5;

    public static async Task RunAsync(string run, int reservers, int stock)
    {
        var targets = new Targets(run);
        var server = await PostgresServer.GetAsync();
        var database = await server.CreateDatabaseAsync(new CommerceTemplate());
        await using var machine = Machine.Watch(server.AdminConnectionString);
        await using var host = new CommerceHostFactory(database, "Inventory", new Dictionary<string, string?>
        {
            ["Commerce:Outbox:PollInterval"] = "00:00:01",
            ["Commerce:Outbox:RetryBaseDelay"] = "00:00:01",
            ["Commerce:Outbox:MaxAttempts"] = "8",
        });
        host.Start();
        // Every call carries a real token, as in production: an operator may do all a shopper does.
        using var http = await host.ClientAsAsync(Clients.Operator);
        var sql = new Sql(database);

        // Warm-up (JIT, pools) on a SKU of its own.
        await ReserveUntilSoldOutAsync(http, await StockedSkuAsync(http, "WARM", Math.Min(stock, 500)), reservers);
        await machine.IdleAsync();

        var hot = await StockedSkuAsync(http, "HOT", stock);
        var cpu0 = machine.CpuSeconds();
        var (reserved, seconds, errors) = await ReserveUntilSoldOutAsync(http, hot, reservers);
        var cpu1 = machine.CpuSeconds();
        var row = (await sql.RowsAsync("SELECT on_hand, reserved FROM inventory.stock_items WHERE sku = $1", hot))
            .Select(r => (OnHand: (int)r[0]!, Reserved: (int)r[1]!)).Single();
        var active = await sql.ScalarAsync<long>(
            """
            SELECT coalesce(sum(l.quantity), 0) FROM inventory.reservation_lines l
            JOIN inventory.reservations r ON r.key = l.reservation_key WHERE l.sku = $1 AND r.status = 'Active'
            """, hot);
        var oversold = Math.Max(0, Math.Max(row.Reserved, active) - row.OnHand) + Math.Max(0, reserved - row.OnHand);
        var consistent = row.Reserved == active && active == reserved;

        // Spread over one SKU per reserver: the same requests without the hot row, to see what the row costs.
        var spread = await Task.WhenAll(Enumerable.Range(0, reservers).Select(_ => StockedSkuAsync(http, "COLD", stock / reservers)));
        var cpu2 = machine.CpuSeconds();
        var coldClock = Stopwatch.StartNew();
        var cold = await Task.WhenAll(spread.Select(sku => ReserveUntilSoldOutAsync(http, sku, 1)));
        var coldSeconds = coldClock.Elapsed.TotalSeconds;
        var cpu3 = machine.CpuSeconds();
        var coldReserved = cold.Sum(c => c.Reserved);
        var coldRate = coldReserved / coldSeconds;

        var raw = await StockedSkuAsync(http, "RAW", stock * 10);
        var (rawUpdated, rawSeconds) = await RawUpdatesAsync(database, raw, reservers);
        var rawOnHand = await sql.ScalarAsync<int>("SELECT on_hand - reserved FROM inventory.stock_items WHERE sku = $1", raw);

        var rate = reserved / seconds;
        var rawRate = rawUpdated / rawSeconds;
        var ratio = rate / rawRate;
        var hotCpu = (App: (cpu1.Self - cpu0.Self) * 1000 / reserved, Postgres: (cpu1.Postgres - cpu0.Postgres) * 1000 / reserved);
        var coldCpu = (App: (cpu3.Self - cpu2.Self) * 1000 / coldReserved, Postgres: (cpu3.Postgres - cpu2.Postgres) * 1000 / coldReserved);
        Console.WriteLine();
        Console.WriteLine($"hot SKU: {reservers} concurrent reservers, 1 unit each, stock {stock}, after a warm-up");
        Console.WriteLine($"  reservations through the API: {reserved} in {seconds:F2} s = {rate:F0}/s ({errors} non-201/422 answers)");
        Console.WriteLine($"  database: on_hand {row.OnHand}, reserved {row.Reserved}, active reservation lines {active}, 201 answers {reserved}; "
                          + (consistent ? "all equal" : "MISMATCH"));
        Console.WriteLine($"  raw single-row conditional UPDATE, {reservers} connections: {rawUpdated} in {rawSeconds:F2} s = {rawRate:F0}/s "
                          + $"(left {rawOnHand}, never below 0)");
        Console.WriteLine($"  CPU per API reservation on the hot SKU: this process {hotCpu.App:F2} ms + PostgreSQL {hotCpu.Postgres:F2} ms");
        Console.WriteLine($"  the same API requests spread over {reservers} SKUs (no hot row): {coldReserved} in {coldSeconds:F2} s = {coldRate:F0}/s; "
                          + $"CPU per reservation: this process {coldCpu.App:F2} ms + PostgreSQL {coldCpu.Postgres:F2} ms");

        targets.Add("hot SKU through the API vs raw UPDATE", $">= {TargetRatio:P0}", $"{ratio:P1} ({rate:F0}/s vs {rawRate:F0}/s)",
            ratio >= TargetRatio, $"{(TargetRatio - ratio) * 100:F1} points short");
        targets.Add("oversold units on the hot SKU", "0", $"{oversold} ({(consistent ? "reserved = active lines = 201 answers" : "reserved, active lines and 201 answers DISAGREE")})",
            oversold == 0 && consistent, consistent ? $"{oversold} oversold" : "the counts disagree");
        foreach (var (name, cpu) in (ReadOnlySpan<(string, (double App, double Postgres))>)[("spread over SKUs", coldCpu), ("hot SKU", hotCpu)])
        {
            var total = cpu.App + cpu.Postgres;
            targets.Add($"CPU per API reservation, {name}", $"<= {TargetCpuMs} ms",
                $"{total:F2} ms (this process {cpu.App:F2} ms + PostgreSQL {cpu.Postgres:F2} ms)", total <= TargetCpuMs, $"{total - TargetCpuMs:F2} ms over");
        }

        targets.Print();
    }

    private static async Task<string> StockedSkuAsync(HttpClient http, string prefix, int quantity)
    {
        var sku = $"{prefix}-{Guid.NewGuid():N}"[..20];
        using var response = await http.PostAsJsonAsync($"/inventory/stock/{sku}/receipts", new ReceiveStockRequest("WH-1", quantity), CommerceJson.Options);
        response.EnsureSuccessStatusCode();
        return sku;
    }

    private static async Task<(int Reserved, double Seconds, int Errors)> ReserveUntilSoldOutAsync(HttpClient http, string sku, int reservers)
    {
        var reserved = 0;
        var errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, reservers).Select(async _ =>
        {
            while (true)
            {
                using var response = await http.PostAsJsonAsync("/inventory/reservations",
                    new ReserveStockRequest($"hot-{Guid.NewGuid():N}", [new ReservationLineRequest(sku, 1)]), CommerceJson.Options);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref reserved);
                }
                else if (response.StatusCode == HttpStatusCode.UnprocessableEntity)
                {
                    return;
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        return (reserved, clock.Elapsed.TotalSeconds, errors);
    }

    /// <summary>The database's own ceiling: the guarded increment of reserved, one autocommit statement at a time.</summary>
    private static async Task<(int Updated, double Seconds)> RawUpdatesAsync(string database, string sku, int connections)
    {
        var updated = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                """
                UPDATE inventory.stock_items SET reserved = reserved + 1, version = version + 1, updated_at = now()
                WHERE sku = $1 AND warehouse = 'WH-1' AND on_hand - reserved >= 1
                """, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = sku });
            await command.PrepareAsync();
            while (await command.ExecuteNonQueryAsync() == 1)
            {
                Interlocked.Increment(ref updated);
            }
        }));
        return (updated, clock.Elapsed.TotalSeconds);
    }
}
