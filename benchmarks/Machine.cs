using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Commerce.Benchmarks;

/// <summary>
/// Memory and CPU of the whole system: this process (host, worker, offline Temporal server, load) plus PostgreSQL's
/// processes (none when there is no <c>adminConnectionString</c>: the bare-Temporal run has no database).
/// </summary>
internal sealed class Machine : IAsyncDisposable
{
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(90);

    private readonly string? adminConnectionString;
    private readonly CancellationTokenSource stop = new();
    private readonly Task sampling;
    private int postmaster;

    private Machine(string? adminConnectionString)
    {
        this.adminConnectionString = adminConnectionString;
        sampling = SampleAsync();
    }

    public long PeakPostgresRss { get; private set; }

    public long PeakPostgresPss { get; private set; }

    public long PeakSystemRss { get; private set; }

    /// <summary>This process's RSS plus PostgreSQL's PSS, sampled together every 200 ms.</summary>
    public long PeakSystemPss { get; private set; }

    /// <summary>This process's peak RSS since it started (exact, not sampled).</summary>
    public static long ProcessPeak
    {
        get
        {
            using var self = Process.GetCurrentProcess();
            return self.PeakWorkingSet64;
        }
    }

    public static Machine Watch(string? adminConnectionString) => new(adminConnectionString);

    /// <summary>
    /// Idles until the JIT has settled, then reports what the system burns with no load (pollers, sweepers, the
    /// Temporal workers' long polls). Right after a warm-up the JIT is still compiling tier-1 code in the background
    /// (a large host on 2 cores takes tens of seconds), which would otherwise be charged to the first measured requests.
    /// </summary>
    public async Task<(double Self, double Postgres)> IdleAsync()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var methods = System.Runtime.JitInfo.GetCompiledMethodCount();
            var before = CpuSeconds();
            await Task.Delay(IdleWindow);
            var after = CpuSeconds();
            var compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - methods;
            if (compiled < 20 || clock.Elapsed > MaxIdle)
            {
                var idle = ((after.Self - before.Self) / IdleWindow.TotalSeconds, (after.Postgres - before.Postgres) / IdleWindow.TotalSeconds);
                Console.WriteLine($"idle before the measurements: this process {idle.Item1:F2} cores + PostgreSQL {idle.Item2:F2} cores over the last "
                                  + $"{IdleWindow.TotalSeconds:F0} s of {clock.Elapsed.TotalSeconds:F0} s "
                                  + (compiled < 20 ? "(the JIT had settled)" : $"(the JIT was still compiling: {compiled} methods in those {IdleWindow.TotalSeconds:F0} s)"));
                return idle;
            }
        }
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "?";

    public static string Mb(long bytes) => $"{bytes / 1024.0 / 1024.0:F0} MB";

    /// <summary>CPU seconds used so far by this process and by PostgreSQL's processes.</summary>
    public (double Self, double Postgres) CpuSeconds()
    {
        var postgres = PostgresPids().Sum(pid => Read(() =>
        {
            var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }));
        using var self = Process.GetCurrentProcess();
        return (self.TotalProcessorTime.TotalSeconds, postgres);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await sampling;
        stop.Dispose();
    }

    private async Task SampleAsync()
    {
        if (adminConnectionString is null)
        {
            return;
        }

        await using (var connection = new NpgsqlConnection(adminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
            var backend = (int)(await command.ExecuteScalarAsync())!;
            postmaster = int.Parse(File.ReadAllText($"/proc/{backend}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
                CultureInfo.InvariantCulture);
        }

        while (!stop.IsCancellationRequested)
        {
            long rss = 0, pss = 0;
            foreach (var pid in PostgresPids())
            {
                rss += Read(() => Kb(File.ReadLines($"/proc/{pid}/status"), "VmRSS:"));
                pss += Read(() => Kb(File.ReadLines($"/proc/{pid}/smaps_rollup"), "Pss:"));
            }

            PeakPostgresRss = Math.Max(PeakPostgresRss, rss);
            PeakPostgresPss = Math.Max(PeakPostgresPss, pss);
            using var self = Process.GetCurrentProcess();
            PeakSystemRss = Math.Max(PeakSystemRss, self.WorkingSet64 + rss);
            PeakSystemPss = Math.Max(PeakSystemPss, self.WorkingSet64 + pss);
            try
            {
                await Task.Delay(200, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The postmaster and its children (backends, checkpointer, walwriter...).</summary>
    private List<int> PostgresPids()
    {
        if (postmaster == 0)
        {
            return [];
        }

        var pids = new List<int> { postmaster };
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid)
                && Read(() => int.Parse(File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
                    CultureInfo.InvariantCulture)) == postmaster)
            {
                pids.Add(pid);
            }
        }

        return pids;
    }

    private static long Kb(IEnumerable<string> lines, string key) =>
        lines.Where(l => l.StartsWith(key, StringComparison.Ordinal))
            .Select(l => long.Parse(l[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024)
            .FirstOrDefault();

    /// <summary>A process may exit between listing and reading.</summary>
    private static T Read<T>(Func<T> read) where T : struct
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return default;
        }
    }
}
