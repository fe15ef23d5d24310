using Temporalio.Client;
using Temporalio.Worker;

namespace Commerce.OfflineTemporal.Tests;

/// <summary>Each test gets its own server, so virtual clocks and histories never interfere.</summary>
internal static class Server
{
    public static Task<OfflineTemporalServer> StartAsync(bool timeSkipping = true) =>
        OfflineTemporalServer.StartAsync(new OfflineTemporalOptions { TimeSkipping = timeSkipping, LongPollTimeout = TimeSpan.FromSeconds(5) });

    public static string NewTaskQueue() => "tq-" + Guid.NewGuid().ToString("N");

    public static string NewId(string prefix = "wf") => prefix + "-" + Guid.NewGuid().ToString("N");

    /// <summary>Runs <paramref name="test"/> with a worker polling <paramref name="taskQueue"/>, then shuts the worker down.</summary>
    public static async Task RunWorkerAsync(ITemporalClient client, TemporalWorkerOptions options, Func<Task> test)
    {
        using var worker = new TemporalWorker(client, options);
        await worker.ExecuteAsync(test);
    }

    public static TemporalWorkerOptions Worker(string taskQueue) => new(taskQueue)
    {
        // Short sticky timeout: a test that kills a worker should not wait the default 10 s.
        StickyQueueScheduleToStartTimeout = TimeSpan.FromSeconds(1),
    };

    public static WorkflowOptions Options(string taskQueue, string? id = null) => new(id ?? NewId(), taskQueue);
}
