using Microsoft.Extensions.Logging;

namespace Commerce.OfflineTemporal;

/// <summary>How to run the offline Temporal server (a test double and offline dev server, not a real Temporal).</summary>
public sealed class OfflineTemporalOptions
{
    /// <summary>Port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// Jump the virtual clock to the next timer or timeout whenever no workflow, activity or query
    /// task is outstanding, so long waits finish at once.
    /// </summary>
    public bool TimeSkipping { get; init; }

    /// <summary>Namespace the server creates and <see cref="OfflineTemporalServer.Client"/> uses.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>How long long polls (task polls, history waits, update waits) hold before answering empty.</summary>
    public TimeSpan LongPollTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Logs workflow starts and closes at Information; tests usually leave this at Warning.</summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Warning;

    /// <summary>Where logs go; console when null.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
