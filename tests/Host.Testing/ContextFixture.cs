using System.Collections.Concurrent;
using Commerce.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Commerce.Host.Testing;

/// <summary>
/// One test class's database (a copy of the migrated template) and the host serving only <see cref="Contexts"/>
/// on it, with every log line captured so tests can search them (for secrets, say).
/// </summary>
public abstract class ContextFixture : IAsyncLifetime
{
    private readonly PostgresDatabase<CommerceTemplate> database = new();

    public CommerceHostFactory App { get; private set; } = null!;

    public Sql Sql { get; private set; } = null!;

    /// <summary>An operator's client (real token): operators may call every route but the event inboxes.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>A client with no token.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>The admin connection string of this class's database.</summary>
    public string ConnectionString => database.ConnectionString;

    /// <summary>The contexts the host runs, as in Commerce:Contexts.</summary>
    protected abstract string Contexts { get; }

    /// <summary>Extra host configuration for this fixture's host.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    /// <summary>Test doubles for this fixture's host (ConfigureTestServices: registrations here win).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        App = new CommerceHostFactory(
            database.ConnectionString,
            Contexts,
            Settings,
            services =>
            {
                services.AddLogging(logging => logging
                    .AddProvider(new CapturingLoggerProvider(Logs))
                    .AddFilter<CapturingLoggerProvider>(null, LogLevel.Debug));
                ConfigureServices(services);
            });
        App.Start();
        Anonymous = App.CreateClient();
        Client = await App.ClientAsAsync(Commerce.ServiceDefaults.Security.Clients.Operator);
        Sql = new Sql(database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await database.DisposeAsync();
    }
}
