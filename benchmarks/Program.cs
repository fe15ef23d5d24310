using System.Diagnostics;
using System.Globalization;
using Commerce.Benchmarks;

// dotnet run -c Release --project benchmarks -- orders [--orders N] [--concurrency C] [--warmup W]
// dotnet run -c Release --project benchmarks -- hot-sku [--reservers C] [--stock S]
// dotnet run -c Release --project benchmarks -- routes [--stops 300,1000] [--seed S]
var mode = args.FirstOrDefault();
int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

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
switch (mode)
{
    case "orders":
        await OrdersBenchmark.RunAsync(Option("--orders", 1000), Option("--concurrency", 32), Option("--warmup", 200));
        break;
    case "hot-sku":
        await HotSkuBenchmark.RunAsync(string.Join(' ', args), Option("--reservers", 32), Option("--stock", 3000));
        break;
    case "routes":
        var stops = Array.IndexOf(args, "--stops") is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : "300,1000";
        RoutesBenchmark.Run([.. stops.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))], Option("--seed", 42));
        break;
    default:
        Console.Error.WriteLine(
            "usage: orders [--orders N] [--concurrency C] [--warmup W] | hot-sku [--reservers C] [--stock S] | routes [--stops 300,1000] [--seed S]");
        return 2;
}

Console.WriteLine($"done in {watch.Elapsed.TotalSeconds:F0} s; load average now {Machine.LoadAverage()}");
return 0;
