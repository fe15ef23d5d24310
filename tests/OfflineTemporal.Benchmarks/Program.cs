using System.Diagnostics;
using System.Globalization;
using Commerce.OfflineTemporal;
using Commerce.OfflineTemporal.Benchmarks;
using Temporalio.Client;
using Temporalio.Worker;

// Benchmark of the offline Temporal server (a test double): N workflows of three sequential
// activities, started concurrently, with the worker in the same process.
var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;

await using var server = await OfflineTemporalServer.StartAsync();
const string TaskQueue = "benchmark";
// The worker gets its own connection, as a worker process would have.
var workerClient = await server.ConnectClientAsync();
using var worker = new TemporalWorker(workerClient, new TemporalWorkerOptions(TaskQueue)
{
    // One poll answers one task: enough concurrent polls keep the worker fed at this load.
    MaxConcurrentWorkflowTaskPolls = 40,
    MaxConcurrentActivityTaskPolls = 20,
    MaxConcurrentWorkflowTasks = 200,
    MaxConcurrentActivities = 200,
}.AddWorkflow<ThreeStepWorkflow>().AddAllActivities(new StepActivities()));
using var stop = new CancellationTokenSource();
var running = worker.ExecuteAsync(stop.Token);

// Warm-up long enough for the JIT to promote hot paths (tier 1) before measuring.
await RunAsync(server.Client, "warmup", 1000);
var (elapsed, latencies) = await RunAsync(server.Client, "run", count);

latencies.Sort();
double Percentile(double p) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)].TotalMilliseconds;
using var process = Process.GetCurrentProcess();
process.Refresh();
Console.WriteLine($"workflows:           {count} (3 sequential activities each, started concurrently)");
Console.WriteLine($"cores:               {Environment.ProcessorCount}");
Console.WriteLine($"elapsed:             {elapsed.TotalSeconds:F2} s");
Console.WriteLine($"throughput:          {count / elapsed.TotalSeconds:F0} workflows/s");
Console.WriteLine($"latency p50:         {Percentile(0.50):F0} ms (start to close)");
Console.WriteLine($"latency p99:         {Percentile(0.99):F0} ms (start to close)");
Console.WriteLine($"peak working set:    {process.PeakWorkingSet64 / (1024 * 1024)} MB");

await stop.CancelAsync();
try
{
    await running;
}
catch (OperationCanceledException)
{
}

static async Task<(TimeSpan Elapsed, List<TimeSpan> Latencies)> RunAsync(ITemporalClient client, string prefix, int n)
{
    var total = Stopwatch.StartNew();
    var results = await Task.WhenAll(Enumerable.Range(0, n).Select(async i =>
    {
        var one = Stopwatch.StartNew();
        var result = await client.ExecuteWorkflowAsync(
            (ThreeStepWorkflow w) => w.RunAsync($"order-{i}"),
            new WorkflowOptions($"{prefix}-{i}", TaskQueue));
        if (result != $"order-{i}:3")
        {
            throw new InvalidOperationException($"unexpected result {result}");
        }

        return one.Elapsed;
    }));
    return (total.Elapsed, results.ToList());
}
