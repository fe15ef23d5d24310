using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace Commerce.Testing;

/// <summary>
/// The PostgreSQL server every test in this process shares: COMMERCE_TEST_POSTGRES when set, otherwise a
/// throwaway cluster started on first use. Tests never share a database; they get fresh ones from here.
/// </summary>
public sealed class PostgresServer
{
    public const string ConnectionStringVariable = "COMMERCE_TEST_POSTGRES";

    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);

    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> templates = new();

    private readonly Process? watchdog;

    private PostgresServer(string adminConnectionString, Process? watchdog)
    {
        AdminConnectionString = adminConnectionString;
        this.watchdog = watchdog;
    }

    /// <summary>Connects as a role that may create databases and roles.</summary>
    public string AdminConnectionString { get; }

    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>
    /// Creates an empty database, or a copy of <paramref name="template"/> — copying is far cheaper than
    /// re-running every migration for each test class.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(DatabaseTemplate? template = null)
    {
        var name = UniqueName("test");
        var source = template is null ? "template0" : await TemplateDatabaseAsync(template);
        await ExecuteAsync($"""CREATE DATABASE "{name}" TEMPLATE "{source}" """);
        return ConnectionStringFor(name);
    }

    public Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        using (var connection = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        return ExecuteAsync($"""DROP DATABASE IF EXISTS "{name}" WITH (FORCE)""");
    }

    /// <summary>
    /// Restarts the throwaway cluster (fast shutdown, then a fresh start on the same port) and returns once it accepts
    /// connections again. Every test in the process shares the server: only a test that runs alone may call this.
    /// </summary>
    public Task RestartAsync() =>
        watchdog is null
            ? throw new InvalidOperationException($"Only the throwaway cluster can be restarted; {ConnectionStringVariable} is set.")
            : ThrowawayCluster.RestartAsync(AdminConnectionString, watchdog);

    /// <summary>The same server and credentials as the admin connection, in another database.</summary>
    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, Pooling = true }.ConnectionString;

    private Task<string> TemplateDatabaseAsync(DatabaseTemplate template) =>
        templates.GetOrAdd(template.Name, _ => new Lazy<Task<string>>(() => BuildTemplateAsync(template))).Value;

    private async Task<string> BuildTemplateAsync(DatabaseTemplate template)
    {
        var name = UniqueName($"template_{template.Name}");
        await ExecuteAsync($"""CREATE DATABASE "{name}" TEMPLATE template0""");
        var connectionString = ConnectionStringFor(name);
        await template.InitializeAsync(connectionString);

        // CREATE DATABASE ... TEMPLATE fails while anyone is connected to the template, pooled idle
        // connections included.
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        await ExecuteAsync($"""ALTER DATABASE "{name}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false""");
        return name;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string UniqueName(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)];

    private static async Task<PostgresServer> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new PostgresServer(new NpgsqlConnectionStringBuilder(configured) { Pooling = false }.ConnectionString, null);
        }

        var (adminConnectionString, watchdog) = await ThrowawayCluster.StartAsync();
        return new PostgresServer(adminConnectionString, watchdog);
    }
}
