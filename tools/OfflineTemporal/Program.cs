using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Commerce.OfflineTemporal;

/// <summary>
/// Standalone mode, an offline stand-in for <c>temporal server start-dev</c>:
/// <c>dotnet run --project tools/OfflineTemporal -- --port 7233 [--namespace default] [--time-skipping]</c>.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var port = 7233;
        var ns = "default";
        var timeSkipping = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--port" when i + 1 < args.Length:
                    port = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--namespace" when i + 1 < args.Length:
                    ns = args[++i];
                    break;
                case "--time-skipping":
                    timeSkipping = true;
                    break;
                default:
                    await Console.Error.WriteLineAsync("usage: Commerce.OfflineTemporal [--port 7233] [--namespace default] [--time-skipping]");
                    return 2;
            }
        }

        await using var server = await OfflineTemporalServer.StartAsync(new OfflineTemporalOptions
        {
            Port = port,
            Namespace = ns,
            TimeSkipping = timeSkipping,
            MinimumLogLevel = LogLevel.Information,
        });

        Console.WriteLine($"Offline Temporal (test double / offline dev server, in-memory) listening on {server.Address}, namespace '{ns}'. Ctrl+C to stop.");
        // Ctrl+C and SIGTERM stop the server cleanly instead of killing the process mid-request.
        var stop = new TaskCompletionSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        await stop.Task;
        Console.WriteLine("Offline Temporal stopping.");
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.TrySetResult();
        }
    }
}
