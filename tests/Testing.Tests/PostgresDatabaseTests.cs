using Npgsql;

namespace Commerce.Testing.Tests;

public sealed class PostgresDatabaseTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task CreateTable_WriteThenRead_ReturnsWhatWasWritten()
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand(
                         "CREATE TABLE greetings (id int PRIMARY KEY, text text NOT NULL)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (var insert = new NpgsqlCommand("INSERT INTO greetings VALUES (1, 'hello'), (2, 'world')", connection))
        {
            Assert.Equal(2, await insert.ExecuteNonQueryAsync());
        }

        await using var select = new NpgsqlCommand("SELECT string_agg(text, ' ' ORDER BY id) FROM greetings", connection);
        Assert.Equal("hello world", await select.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Server_IsPostgres15OrNewer()
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        Assert.True(connection.PostgreSqlVersion.Major >= 15, $"Got PostgreSQL {connection.PostgreSqlVersion}.");
    }
}
