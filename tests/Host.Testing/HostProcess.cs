using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Commerce.Testing;

namespace Commerce.Host.Testing;

/// <summary>
/// The real host as a child process — <c>dotnet Commerce.Host.dll</c>, the build the tests run against, configured
/// through environment variables as in production — so a test can crash it: <see cref="Kill"/> is SIGKILL, with no
/// shutdown, no disposal, requests and activities cut wherever they are. What it reaches (PostgreSQL, the test's
/// Temporal) it reaches over loopback.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    // The shell becomes the host (exec keeps its pid, so Kill reaches the host itself), leaving behind a watcher that
    // SIGKILLs the host should the test process die without disposing it: a test run killed outright runs no
    // finalizers, and a host whose database is gone would otherwise live on.
    private const string Watchdog = """
        (while kill -0 "$1" 2>/dev/null && kill -0 $$ 2>/dev/null; do sleep 0.5; done
         kill -0 "$1" 2>/dev/null || kill -9 $$ 2>/dev/null) </dev/null >/dev/null 2>&1 &
        shift
        exec "$@"
        """;

    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private HostProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>A loopback port free right now, for a host that must come back on the same address after a crash.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts the host running <paramref name="contexts"/> (as Commerce:Contexts names them) on
    /// <c>127.0.0.1:<paramref name="port"/></c> with the test defaults plus <paramref name="settings"/>, and returns
    /// once it answers /health/live.
    /// </summary>
    public static async Task<HostProcess> StartAsync(
        string adminConnectionString, string contexts, int port, IReadOnlyDictionary<string, string?> settings)
    {
        var hostAssembly = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("sh")
        {
            ArgumentList =
            {
                "-c", Watchdog, "host-watchdog", Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", hostAssembly,
            },
            WorkingDirectory = Path.GetDirectoryName(hostAssembly),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ConnectionStrings:Admin"] = adminConnectionString,
            ["Commerce:Contexts"] = contexts,
        };
        foreach (var (key, value) in CommerceHostFactory.TestDefaults.Concat(settings))
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var host = new HostProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."), new Uri($"http://127.0.0.1:{port}"));
        host.process.OutputDataReceived += (_, line) => host.Keep(line.Data);
        host.process.ErrorDataReceived += (_, line) => host.Keep(line.Data);
        host.process.BeginOutputReadLine();
        host.process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(5) };
        await Poll.UntilAsync(
            async () =>
            {
                if (host.process.HasExited)
                {
                    // Exited is not the end of its output: the last lines (why it stopped) are still being read. The
                    // parameterless wait returns once both redirected streams are drained.
                    await host.process.WaitForExitAsync();
                    throw new InvalidOperationException(
                        $"The host process ({contexts}) exited with {host.process.ExitCode}:\n{string.Join('\n', host.output)}");
                }

                try
                {
                    using var response = await probe.GetAsync("/health/live");
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
                catch (TaskCanceledException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(120),
            TimeSpan.FromMilliseconds(100));
        return host;
    }

    /// <summary>SIGKILL: the process stops at once, as in a crash or an out-of-memory kill.</summary>
    public void Kill()
    {
        process.Kill();
        process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    // The last lines only, for the message when the process fails to start: a host that runs long writes many.
    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 200)
        {
            output.TryDequeue(out _);
        }
    }
}
