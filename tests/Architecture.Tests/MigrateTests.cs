using Commerce.Host.Testing;
using Commerce.ServiceDefaults.Database;
using Commerce.Testing;

namespace Commerce.Architecture.Tests;

/// <summary>The host's `migrate` step on an empty database: safe to run twice, even at the same time.</summary>
/// <remarks>Shares a collection with the role-isolation tests: migrating alters the cluster-wide roles they log in as.</remarks>
[Collection(ClusterRoles.Name)]
public sealed class MigrateTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Migrate_RunConcurrentlyThenAgain_ConvergesWithoutErrors()
    {
        await using var first = CommerceTemplate.BuildHost(database.ConnectionString);
        await using var second = CommerceTemplate.BuildHost(database.ConnectionString);

        await Task.WhenAll(
            CommerceDatabase.MigrateAsync(first.Services, database.ConnectionString),
            CommerceDatabase.MigrateAsync(second.Services, database.ConnectionString));
        var sql = new Sql(database.ConnectionString);
        var history = await HistoryCountsAsync(sql);
        await CommerceDatabase.MigrateAsync(first.Services, database.ConnectionString);

        Assert.NotEmpty(history);
        Assert.All(history, h => Assert.True(h.Value > 0, $"{h.Key} has no applied migrations"));
        Assert.Equal(history, await HistoryCountsAsync(sql));
        // Each schema belongs to its context's role, and PUBLIC has no rights on it.
        var owners = await sql.RowsAsync("""
            SELECT n.nspname, pg_get_userbyid(n.nspowner), has_schema_privilege('public', n.nspname, 'USAGE')
            FROM pg_namespace n WHERE n.nspname = ANY($1)
            """, (object)history.Keys.ToArray());
        Assert.All(owners, o => Assert.Equal(($"commerce_{o[0]}", false), ((string)o[1]!, (bool)o[2]!)));
    }

    private static async Task<Dictionary<string, long>> HistoryCountsAsync(Sql sql)
    {
        var schemas = (await sql.RowsAsync(
                "SELECT table_schema FROM information_schema.tables WHERE table_name = '__ef_migrations_history' ORDER BY 1"))
            .Select(r => (string)r[0]!);
        var counts = new Dictionary<string, long>();
        foreach (var schema in schemas)
        {
            counts[schema] = await sql.CountAsync($"\"{schema}\".__ef_migrations_history");
        }

        return counts;
    }
}

/// <summary>Tests that create, alter or log in as the contexts' cluster-wide roles run one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterRoles
{
    public const string Name = "Cluster roles";
}
