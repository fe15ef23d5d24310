using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Commerce.Testing;

/// <summary>
/// A PostgreSQL cluster in a temp folder on a free loopback port, living exactly as long as the test process.
/// </summary>
/// <remarks>
/// The server is owned by a small watchdog shell in its own session: Ctrl-C on `dotnet test` signals the whole
/// terminal process group, and a test host killed outright runs no finalizers, so cleanup cannot live in this
/// process. The watchdog polls for the test process and, once it is gone, stops the server and deletes the folder.
/// On SIGUSR1 it stops the server (fast shutdown) and starts it again on the same folder and port, for fault tests.
/// </remarks>
internal static class ThrowawayCluster
{
    private const string Superuser = "postgres";

    private const string WatchdogScript = """
        watched=$1; folder=$2; shift 2
        "$@" &
        server=$!
        stop() { kill -INT "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$folder"; exit 0; }
        trap stop INT TERM HUP
        trap 'kill -INT "$server" 2>/dev/null; wait "$server" 2>/dev/null; "$@" & server=$!' USR1
        while kill -0 "$watched" 2>/dev/null && kill -0 "$server" 2>/dev/null; do sleep 0.3; done
        stop
        """;

    public static async Task<(string ConnectionString, Process Watchdog)> StartAsync()
    {
        var binaries = PostgresBinaries.Find();
        var folder = Directory.CreateTempSubdirectory("commerce-pg-").FullName;
        var dataFolder = Path.Combine(folder, "data");
        var runAs = ServerUser();
        var port = FreeLoopbackPort();
        var output = new StringBuilder();

        try
        {
            if (runAs is not null)
            {
                await RunAsync("chown", ["-R", $"{runAs}:", folder], output);
            }

            await RunAsync(binaries.InitDb,
                ["-D", dataFolder, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--no-sync", "--no-instructions"],
                output, runAs);

            string[] server =
            [
                binaries.Postgres, "-D", dataFolder, "-p", port.ToString(),
                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
                // Durability buys nothing for a database deleted at the end of the run; speed does.
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "max_connections=400",
            ];
            var watchdog = new ProcessStartInfo("setsid")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in (string[])["sh", "-c", WatchdogScript, "watchdog",
                         Environment.ProcessId.ToString(), folder, .. WithSetPriv(runAs, server)])
            {
                watchdog.ArgumentList.Add(argument);
            }

            var process = Process.Start(watchdog) ?? throw new InvalidOperationException("Could not start setsid.");
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var connectionString = new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = port,
                Username = Superuser,
                Database = "postgres",
                Pooling = false,
            }.ConnectionString;
            await WaitUntilAcceptingAsync(connectionString, process, output);
            return (connectionString, process);
        }
        catch
        {
            TryDelete(folder);
            throw;
        }
    }

    /// <summary>
    /// Has the watchdog restart the server and returns once the new server accepts connections: the postmaster's
    /// start time, which only a restart changes, tells the new server from the old one still shutting down.
    /// </summary>
    public static async Task RestartAsync(string connectionString, Process watchdog)
    {
        var before = await StartTimeAsync(connectionString);
        using (var signal = Process.Start("kill", ["-USR1", watchdog.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
            if (signal.ExitCode != 0)
            {
                throw new InvalidOperationException($"Could not signal the PostgreSQL watchdog (pid {watchdog.Id}).");
            }
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if (await StartTimeAsync(connectionString) > before)
                {
                    return;
                }
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline && !watchdog.HasExited)
            {
                // Shutting down or still starting.
            }

            if (DateTime.UtcNow >= deadline || watchdog.HasExited)
            {
                throw new InvalidOperationException("The throwaway PostgreSQL server did not come back after a restart.");
            }

            await Task.Delay(50);
        }
    }

    private static async Task<DateTime> StartTimeAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_postmaster_start_time()", connection);
        return (DateTime)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>initdb and postgres refuse to run as root, so under root they run as the postgres (or nobody) user.</summary>
    private static string? ServerUser()
    {
        if (Environment.UserName != "root")
        {
            return null;
        }

        var passwd = File.Exists("/etc/passwd") ? File.ReadAllLines("/etc/passwd") : [];
        return passwd.Any(line => line.StartsWith("postgres:", StringComparison.Ordinal)) ? "postgres" : "nobody";
    }

    private static string[] WithSetPriv(string? user, string[] command) =>
        user is null ? command : ["setpriv", $"--reuid={user}", $"--regid={user}", "--init-groups", .. command];

    private static async Task RunAsync(string file, string[] arguments, StringBuilder output, string? runAs = null)
    {
        var command = WithSetPriv(runAs, [file, .. arguments]);
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Append(output, await stdout);
        Append(output, await stderr);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"`{string.Join(' ', command)}` exited with {process.ExitCode}:{Environment.NewLine}{output}");
        }
    }

    private static async Task WaitUntilAcceptingAsync(string connectionString, Process watchdog, StringBuilder output)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline && !watchdog.HasExited)
            {
                await Task.Delay(100);
            }
            catch (NpgsqlException exception)
            {
                throw new InvalidOperationException(
                    $"The throwaway PostgreSQL server did not start:{Environment.NewLine}{output}", exception);
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Append(StringBuilder output, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(text);
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the folder is in the temp directory and nothing else refers to it.
        }
    }
}
