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
    // One poll answers one task, but activities arrive eagerly with the workflow task completion,
    // so few activity polls are needed. More polls only add idle streams, memory and latency
    // (measured: 40/20 gave the same throughput as 8/4, with higher p50 and peak memory).
    MaxConcurrentWorkflowTaskPolls = 8,
    MaxConcurrentActivityTaskPolls = 4,
    MaxConcurrentWorkflowTasks = 200,
    MaxConcurrentActivities = 200,
}.AddWorkflow<ThreeStepWorkflow>().AddAllActivities(new StepActivities()));
using var stop = new CancellationTokenSource();
var running = worker.ExecuteAsync(stop.Token);

// Warm-up long enough for the JIT to promote hot paths (tier 1) before measuring.
await RunAsync(server.Client, "warmup", 1000);
var loadBefore = LoadAverage();
using var process = Process.GetCurrentProcess();
var cpuBefore = process.TotalProcessorTime;
var (elapsed, latencies) = await RunAsync(server.Client, "run", count);
process.Refresh();
var cpu = process.TotalProcessorTime - cpuBefore;

latencies.Sort();
double Percentile(double p) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)].TotalMilliseconds;
Console.WriteLine($"workflows:           {count} (3 sequential activities each, started concurrently)");
Console.WriteLine($"cores:               {Environment.ProcessorCount} (load average before/after the run: {loadBefore} / {LoadAverage()})");
Console.WriteLine($"elapsed:             {elapsed.TotalSeconds:F2} s");
Console.WriteLine($"throughput:          {count / elapsed.TotalSeconds:F0} workflows/s");
Console.WriteLine($"latency p50:         {Percentile(0.50):F0} ms (start to close)");
Console.WriteLine($"latency p99:         {Percentile(0.99):F0} ms (start to close)");
Console.WriteLine($"peak working set:    {process.PeakWorkingSet64 / (1024 * 1024)} MB");

// CPU time (server, SDK worker and client together) is far less sensitive to other load on the
// machine than throughput: it shows what a run would need on idle cores.
Console.WriteLine($"cpu per workflow:    {cpu.TotalMilliseconds / count:F1} ms ({cpu / elapsed:F2} cores busy on average)");

await stop.CancelAsync();
try
{
    await running;
}
catch (OperationCanceledException)
{
}

// The 1-minute load average (Linux), to judge how much the machine was shared during the run.
static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

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
