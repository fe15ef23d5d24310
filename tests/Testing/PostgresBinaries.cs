using System.Diagnostics;

namespace Commerce.Testing;

/// <summary>Finds the PostgreSQL 15+ server binaries a throwaway test cluster is started from.</summary>
internal sealed record PostgresBinaries(string InitDb, string Postgres)
{
    private const int MinimumMajorVersion = 15;

    public const string InstallHint =
        "No PostgreSQL 15+ server binaries (initdb, postgres) were found on PATH or under /usr/lib/postgresql/*/bin. " +
        "Install them with `sudo apt-get install -y postgresql` (Debian/Ubuntu), " +
        "or point the tests at a server with COMMERCE_TEST_POSTGRES=\"Host=...;Username=...;Password=...\" " +
        "(a role that may create databases and roles).";

    public static PostgresBinaries Find(string? searchPath = null, string debianRoot = "/usr/lib/postgresql")
    {
        foreach (var directory in CandidateDirectories(searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "", debianRoot))
        {
            var initDb = Path.Combine(directory, "initdb");
            var postgres = Path.Combine(directory, "postgres");
            if (File.Exists(initDb) && File.Exists(postgres) && MajorVersion(postgres) >= MinimumMajorVersion)
            {
                return new PostgresBinaries(initDb, postgres);
            }
        }

        throw new InvalidOperationException(InstallHint);
    }

    private static IEnumerable<string> CandidateDirectories(string path, string debianRoot)
    {
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            yield return directory;
        }

        // Debian installs the server outside PATH, one folder per major version; prefer the newest.
        if (Directory.Exists(debianRoot))
        {
            foreach (var versionDirectory in Directory.GetDirectories(debianRoot)
                         .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
            {
                yield return Path.Combine(versionDirectory, "bin");
            }
        }
    }

    private static int MajorVersion(string postgres)
    {
        // Prints e.g. "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)".
        using var process = Process.Start(new ProcessStartInfo(postgres, "--version")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        });
        if (process is null)
        {
            return 0;
        }

        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var version = output.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(2).FirstOrDefault() ?? "";
        return int.TryParse(version.Split('.')[0], out var major) ? major : 0;
    }
}
