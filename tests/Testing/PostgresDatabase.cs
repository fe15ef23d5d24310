using Xunit;

namespace Commerce.Testing;

/// <summary>
/// A class fixture giving each test class its own empty database, dropped when the class is done.
/// </summary>
public class PostgresDatabase : IAsyncLifetime
{
    private readonly DatabaseTemplate? template;
    private PostgresServer? server;
    private string? connectionString;

    public PostgresDatabase()
    {
    }

    protected PostgresDatabase(DatabaseTemplate template) => this.template = template;

    public string ConnectionString =>
        connectionString ?? throw new InvalidOperationException("The database is created in InitializeAsync.");

    public PostgresServer Server =>
        server ?? throw new InvalidOperationException("The database is created in InitializeAsync.");

    public async Task InitializeAsync()
    {
        server = await PostgresServer.GetAsync();
        connectionString = await server.CreateDatabaseAsync(template);
    }

    public async Task DisposeAsync()
    {
        if (server is not null && connectionString is not null)
        {
            await server.DropDatabaseAsync(connectionString);
        }
    }
}

/// <summary>A class fixture giving each test class its own copy of the <typeparamref name="TTemplate"/> database.</summary>
public class PostgresDatabase<TTemplate>() : PostgresDatabase(new TTemplate())
    where TTemplate : DatabaseTemplate, new();
