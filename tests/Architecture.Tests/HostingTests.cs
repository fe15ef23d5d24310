using System.Net;
using System.Text.Json;
using Commerce.Host;
using Commerce.Host.Testing;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Database;
using Commerce.ServiceDefaults.Security;
using Commerce.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Commerce.Architecture.Tests;

/// <summary>Every context, hosted alone on a database of its own, serves its API document and health and seeds idempotently.</summary>
public sealed class HostingTests
{
    public static TheoryData<string> Contexts() => [.. HostedContexts.All.Select(c => c.Name)];

    /// <summary>A data-subject request asks every context the host knows, Customer first (its erasure goes before the others').</summary>
    [Fact]
    public void DataSubjectRequests_AskEveryHostedContext_CustomerFirst()
    {
        Assert.Equal("Customer", Commerce.DataSubjects.DataSubjectsModule.Contexts[0]);
        Assert.Equal(HostedContexts.All.Select(c => c.Name).Order(StringComparer.Ordinal),
            Commerce.DataSubjects.DataSubjectsModule.Contexts.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public async Task HostedAlone_ServesItsOpenApiDocumentHealthAndIdempotentDemoSeed(string context)
    {
        var database = new PostgresDatabase<CommerceTemplate>();
        await database.InitializeAsync();
        try
        {
            await ServesAndSeedsAsync(context, database);
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    private static async Task ServesAndSeedsAsync(string context, PostgresDatabase database)
    {
        await using var host = new CommerceHostFactory(database.ConnectionString, context);
        using var client = await host.ClientAsAsync(Clients.Operator);
        var sql = new Sql(database.ConnectionString);
        var schema = context.ToLowerInvariant();

        using var document = JsonDocument.Parse(await client.GetStringAsync($"/openapi/{schema}.json"));
        var ready = await client.GetAsync("/health/ready");
        var live = await client.GetAsync("/health/live");
        await CommerceDatabase.SeedDemoAsync(host.Services);
        var seededOnce = await RowCountsAsync(sql, schema);
        await CommerceDatabase.SeedDemoAsync(host.Services);

        Assert.NotEmpty(document.RootElement.GetProperty("paths").EnumerateObject());
        AssertPoolDefaults(host.Services, context);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (ready.StatusCode, live.StatusCode));
        Assert.Equal(seededOnce, await RowCountsAsync(sql, schema));
    }

    /// <summary>The context's connections are capped, auto-prepare and skip the reset, as its connection string sets none of it.</summary>
    private static void AssertPoolDefaults(IServiceProvider services, string context)
    {
        using var scope = services.CreateScope();
        var registration = scope.ServiceProvider.GetServices<CommerceContextRegistration>().Single(r => r.Name == context);
        var connection = new NpgsqlConnectionStringBuilder(((DbContext)scope.ServiceProvider.GetRequiredService(registration.DbContextType)).Database.GetConnectionString());
        Assert.Equal((ServiceDefaultsExtensions.MaxPoolSizePerContext, 64, true), (connection.MaxPoolSize, connection.MaxAutoPrepare, connection.NoResetOnClose));
    }

    private static async Task<Dictionary<string, long>> RowCountsAsync(Sql sql, string schema)
    {
        var tables = await sql.RowsAsync("SELECT table_name FROM information_schema.tables WHERE table_schema = $1", schema);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables.Select(row => (string)row[0]!))
        {
            counts[table] = await sql.CountAsync($"\"{schema}\".\"{table}\"");
        }

        return counts;
    }
}
