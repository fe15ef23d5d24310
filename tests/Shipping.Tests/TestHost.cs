using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Host.Testing;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Commerce.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Commerce.Shipping.Tests;

/// <summary>
/// One test class's database (a copy of the migrated template) and the host serving only Shipping on it, with
/// every log line captured.
/// </summary>
public class ShippingFixture : IAsyncLifetime
{
    private readonly PostgresDatabase<CommerceTemplate> database = new();

    public CommerceHostFactory App { get; private set; } = null!;

    public Sql Sql { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>The admin connection string of this class's database.</summary>
    public string ConnectionString => database.ConnectionString;

    /// <summary>Extra host configuration for this fixture's host.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        App = new CommerceHostFactory(
            database.ConnectionString,
            "Shipping",
            Settings,
            services => services.AddLogging(logging => logging
                .AddProvider(new CapturingLoggerProvider(Logs))
                .AddFilter<CapturingLoggerProvider>(null, LogLevel.Debug)));
        Client = App.CreateClient();
        Sql = new Sql(database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await database.DisposeAsync();
    }
}

public static class TestSupport
{
    /// <summary>The outbox rows of one aggregate, oldest first: type, aggregate version and payload.</summary>
    public static async Task<List<(string Type, int Version, JsonElement Payload)>> EventsAsync(this Sql sql, string schema, Guid aggregateId) =>
        [.. (await sql.RowsAsync(
                $"SELECT type, aggregate_version, payload::text FROM {schema}.outbox_messages WHERE aggregate_id = $1 ORDER BY aggregate_version, occurred_at",
                aggregateId.ToString()))
            .Select(row => ((string)row[0]!, (int)row[1]!, JsonDocument.Parse((string)row[2]!).RootElement.Clone()))];

    /// <summary>The envelope the outbox dispatcher POSTs to /events/{context}.</summary>
    public static EventEnvelope Envelope<TEvent>(string source, string aggregateId, int version, TEvent payload) =>
        new(Guid.NewGuid(), typeof(TEvent).Name, source, aggregateId, version, DateTimeOffset.UtcNow,
            JsonSerializer.SerializeToElement(payload, CommerceJson.Options));

    public static async Task<InboxOutcome> DeliverAsync(this HttpClient client, string context, EventEnvelope envelope)
    {
        var response = await client.PostAsJsonAsync($"/events/{context}", envelope, CommerceJson.Options);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<InboxResponse>(CommerceJson.Options))!.Outcome;
    }
}

/// <summary>Keeps every log line — message, structured values and exception — so tests can search them for secrets.</summary>
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
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : "";
            sink.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {values} {exception}");
        }
    }
}
