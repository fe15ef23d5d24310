using Commerce.Host;
using Commerce.Host.Testing;
using Commerce.ServiceDefaults;
using Commerce.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Commerce.Architecture.Tests;

/// <summary>
/// Each context's role owns its schema and nothing else: the database itself refuses every other context's
/// role, for every pair of contexts the host knows (new contexts are covered as soon as they are hosted).
/// </summary>
[Collection(ClusterRoles.Name)]
public sealed class RoleIsolationTests(PostgresDatabase<CommerceTemplate> database) : IClassFixture<PostgresDatabase<CommerceTemplate>>
{
    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var owner in HostedContexts.All)
        {
            foreach (var intruder in HostedContexts.All.Where(c => c != owner))
            {
                data.Add(owner.Name, intruder.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task Role_CannotReadOrWriteAnotherContextsTables(string owner, string intruder)
    {
        var (ownerContext, intruderContext) = (Registration(owner), Registration(intruder));
        var tables = await TablesAsync(ownerContext.Schema);
        Assert.NotEmpty(tables);

        await using var connection = new NpgsqlConnection(intruderContext.ConnectionString);
        await connection.OpenAsync();
        foreach (var table in tables)
        {
            var qualified = $"\"{ownerContext.Schema}\".\"{table}\"";
            await AssertDeniedAsync(connection, $"SELECT * FROM {qualified} LIMIT 1");
            await AssertDeniedAsync(connection, $"INSERT INTO {qualified} DEFAULT VALUES");
            await AssertDeniedAsync(connection, $"UPDATE {qualified} SET {await FirstColumnAsync(ownerContext.Schema, table)} = NULL");
            await AssertDeniedAsync(connection, $"DELETE FROM {qualified}");
        }

        await AssertDeniedAsync(connection, $"CREATE TABLE \"{ownerContext.Schema}\".intruder (id int)");
        await AssertDeniedAsync(connection, $"SET ROLE \"{ownerContext.Role}\"");
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public async Task Role_UsesItsOwnTables(string context)
    {
        var registration = Registration(context);
        await using var connection = new NpgsqlConnection(registration.ConnectionString);
        await connection.OpenAsync();

        foreach (var table in await TablesAsync(registration.Schema))
        {
            await using var command = new NpgsqlCommand($"SELECT count(*) FROM \"{registration.Schema}\".\"{table}\"", connection);
            Assert.IsType<long>(await command.ExecuteScalarAsync());
        }

        await using var superuser = new NpgsqlCommand("SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = current_user", connection);
        Assert.Equal(false, await superuser.ExecuteScalarAsync());
    }

    public static TheoryData<string> Contexts() => [.. HostedContexts.All.Select(c => c.Name)];

    private CommerceContextRegistration Registration(string name)
    {
        using var app = CommerceTemplate.BuildHost(database.ConnectionString, HostedContexts.All.Where(c => c.Name == name));
        return app.Services.GetServices<CommerceContextRegistration>().Single();
    }

    private async Task<List<string>> TablesAsync(string schema) =>
        [.. (await new Sql(database.ConnectionString).RowsAsync(
                "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename", schema))
            .Select(r => (string)r[0]!)];

    private async Task<string> FirstColumnAsync(string schema, string table) =>
        "\"" + await new Sql(database.ConnectionString).ScalarAsync<string>(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position LIMIT 1",
            schema, table) + "\"";

    private static async Task AssertDeniedAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var exception = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
        Assert.True(exception.SqlState == PostgresErrorCodes.InsufficientPrivilege,
            $"`{sql}` failed with {exception.SqlState} ({exception.MessageText}), not permission denied");
    }
}
