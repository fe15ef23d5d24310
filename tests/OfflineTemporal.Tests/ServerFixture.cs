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

    /// <summary>Long-polls the history (no sleeping) until an event of <paramref name="type"/> is recorded.</summary>
    public static async Task WaitForEventAsync(ITemporalClient client, string workflowId, Temporalio.Api.Enums.V1.EventType type)
    {
        var token = Google.Protobuf.ByteString.Empty;
        while (true)
        {
            var page = await client.Connection.WorkflowService.GetWorkflowExecutionHistoryAsync(new()
            {
                Namespace = client.Options.Namespace,
                Execution = new() { WorkflowId = workflowId },
                NextPageToken = token,
                WaitNewEvent = true,
            });
            if (page.History.Events.Any(e => e.EventType == type))
            {
                return;
            }

            if (!page.NextPageToken.IsEmpty)
            {
                token = page.NextPageToken;
            }
            else if (page.History.Events.Count > 0)
            {
                token = Google.Protobuf.ByteString.CopyFromUtf8(page.History.Events[^1].EventId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    public static WorkflowOptions Options(string taskQueue, string? id = null) => new(id ?? NewId(), taskQueue);
}
