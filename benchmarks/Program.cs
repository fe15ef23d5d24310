using System.Diagnostics;
using System.Globalization;
using Commerce.Benchmarks;

// dotnet run -c Release --project benchmarks -- <mode> [options]; the README's Benchmarks section says what each measures.
const string Usage = """
    usage: dotnet run -c Release --project benchmarks -- <mode> [options]
      orders     [--orders 1000] [--concurrency 32] [--warmup 200] [--rate R] [--duration 30]
                 the whole system: a closed loop of --orders orders with --concurrency submits in flight (after --warmup
                 orders), then an open loop at R orders/s for --duration seconds (R: half the closed loop's rate
                 unless --rate), then the bare-Temporal ceiling with --orders sagas at --concurrency
      open-loop  [--rate R] [--duration 30] [--orders 1000] [--concurrency 32] [--warmup 200]
                 the whole system's open loop alone; without --rate a closed loop of --orders orders finds R first
      bare       [--orders 1000] [--concurrency 32] [--warmup 200]
                 the bare-Temporal ceiling alone: the saga worker with no-op activities, no database
      hot-sku    [--reservers 32] [--stock 3000]
      routes     [--stops 300,1000] [--seed 42]
    """;

string[] ordersOptions = ["--orders", "--concurrency", "--warmup", "--rate", "--duration"];
var modes = new Dictionary<string, string[]>
{
    ["orders"] = ordersOptions,
    ["open-loop"] = ordersOptions,
    ["bare"] = ["--orders", "--concurrency", "--warmup"],
    ["hot-sku"] = ["--reservers", "--stock"],
    ["routes"] = ["--stops", "--seed"],
};
var mode = args.FirstOrDefault() ?? "";
var given = new Dictionary<string, string>();
for (var i = 1; i + 1 < args.Length; i += 2)
{
    given[args[i]] = args[i + 1];
}

if (!modes.TryGetValue(mode, out var allowed) || args.Length % 2 == 0 || given.Keys.Except(allowed).Any())
{
    Console.Error.WriteLine(Usage);
    return 2;
}

int Number(string name, int fallback) =>
    given.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

// WebApplicationFactory finds the host's content root from this variable outside a test project.
var root = new DirectoryInfo(AppContext.BaseDirectory);
while (root is not null && !File.Exists(Path.Combine(root.FullName, "Commerce.sln")))
{
    root = root.Parent;
}

Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_COMMERCE_HOST",
    Path.Combine(root?.FullName ?? Environment.CurrentDirectory, "services", "Host"));
Console.WriteLine($"{DateTime.UtcNow:u}  {Environment.ProcessorCount} cores, load average {Machine.LoadAverage()}, .NET {Environment.Version}");
var watch = Stopwatch.StartNew();
var rate = given.TryGetValue("--rate", out var r) ? double.Parse(r, CultureInfo.InvariantCulture) : (double?)null;
var orders = new OrdersOptions(Number("--orders", 1000), Number("--concurrency", 32), Number("--warmup", 200), rate, Number("--duration", 30),
    ClosedLoop: true, OpenLoop: true, Bare: true);
switch (mode)
{
    case "orders":
        await OrdersBenchmark.RunAsync(string.Join(' ', args), orders);
        break;
    case "open-loop":
        await OrdersBenchmark.RunAsync(string.Join(' ', args), orders with { ClosedLoop = rate is null, Bare = false });
        break;
    case "bare":
        await OrdersBenchmark.RunAsync(string.Join(' ', args), orders with { ClosedLoop = false, OpenLoop = false });
        break;
    case "hot-sku":
        await HotSkuBenchmark.RunAsync(string.Join(' ', args), Number("--reservers", 32), Number("--stock", 3000));
        break;
    case "routes":
        var stops = given.GetValueOrDefault("--stops", "300,1000");
        RoutesBenchmark.Run([.. stops.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))], Number("--seed", 42));
        break;
}

Console.WriteLine($"done in {watch.Elapsed.TotalSeconds:F0} s; load average now {Machine.LoadAverage()}");
return 0;
