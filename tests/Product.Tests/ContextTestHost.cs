using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Database;
using Commerce.ServiceDefaults.Messaging;
using Commerce.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Commerce.Product.Tests;

/// <summary>The Product context's database as `migrate` leaves it (role, schema, migrations), built once per run.</summary>
public sealed class ProductDatabaseTemplate : DatabaseTemplate
{
    public override string Name => "product";

    public override async Task InitializeAsync(string connectionString)
    {
        await using var app = new ContextApp(connectionString);
        await CommerceDatabase.MigrateAsync(app.Services, connectionString);

        // The template cannot be copied while pooled connections (as the context's role) remain open in it.
        foreach (var context in app.Services.GetServices<CommerceContextRegistration>())
        {
            await using var connection = new NpgsqlConnection(context.ConnectionString);
            NpgsqlConnection.ClearPool(connection);
        }
    }
}

/// <summary>The host running only Product, against one test class's database, with its logs captured.</summary>
public sealed class ContextApp(string adminConnectionString, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<Program>
{
    public const string Contexts = "Product";

    public ConcurrentQueue<string> Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Commerce:Contexts", Contexts);
        builder.UseSetting("ConnectionStrings:Admin", adminConnectionString);
        // Events are asserted in the outbox table; delivery is ServiceDefaults' concern (and needs a real socket).
        builder.UseSetting("Commerce:Outbox:Enabled", "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Logs)));
    }
}

/// <summary>Direct SQL against a test database as the admin, for assertions the API does not expose.</summary>
public sealed class Sql(string connectionString)
{
    public string ConnectionString => connectionString;

    public async Task<long> CountAsync(string table, string where = "true")
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table} WHERE {where}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The outbox rows of one aggregate, oldest first: (type, version, payload).</summary>
    public async Task<List<(string Type, int Version, JsonElement Payload)>> EventsAsync(string schema, Guid aggregateId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT type, aggregate_version, payload::text FROM {schema}.outbox_messages WHERE aggregate_id = $1 ORDER BY aggregate_version, occurred_at",
            connection)
        {
            Parameters = { new() { Value = aggregateId.ToString() } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<(string, int, JsonElement)>();
        while (await reader.ReadAsync())
        {
            events.Add((reader.GetString(0), reader.GetInt32(1), JsonDocument.Parse(reader.GetString(2)).RootElement.Clone()));
        }

        return events;
    }
}

/// <summary>Builds the envelope the outbox dispatcher POSTs to /events/{context}.</summary>
public static class Envelopes
{
    public static EventEnvelope For<TEvent>(string source, string aggregateId, int version, TEvent payload, Guid? id = null) =>
        new(id ?? Guid.NewGuid(), typeof(TEvent).Name, source, aggregateId, version, DateTimeOffset.UtcNow,
            JsonSerializer.SerializeToElement(payload, CommerceJson.Options));

    public static async Task<InboxOutcome> DeliverAsync(this HttpClient client, string context, EventEnvelope envelope)
    {
        var response = await client.PostAsJsonAsync($"/events/{context}", envelope, CommerceJson.Options);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<InboxResponse>(CommerceJson.Options))!.Outcome;
    }
}

internal sealed class CapturingLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, sink);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The rendered message, every structured value and the exception: all of it must be free of secrets.
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : "";
            sink.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {values} {exception}");
        }
    }
}

/// <summary>One test class's database (a copy of the template) and the host serving it.</summary>
public sealed class ProductFixture : IAsyncLifetime
{
    private readonly PostgresDatabase<ProductDatabaseTemplate> database = new();

    public ContextApp App { get; private set; } = null!;

    public Sql Sql { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        App = new ContextApp(database.ConnectionString);
        Client = App.CreateClient();
        Sql = new Sql(database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await database.DisposeAsync();
    }
}
