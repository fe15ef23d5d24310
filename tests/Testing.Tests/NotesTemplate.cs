using Commerce.Testing;
using Npgsql;

namespace Commerce.Testing.Tests;

/// <summary>A template with one table, standing in for a context's migrations.</summary>
public sealed class NotesTemplate : DatabaseTemplate
{
    public override string Name => "notes";

    public override async Task InitializeAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "CREATE TABLE notes (id serial PRIMARY KEY, owner text NOT NULL, body text NOT NULL)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

internal static class Notes
{
    public static async Task AddAsync(string connectionString, string owner, string body)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("INSERT INTO notes (owner, body) VALUES ($1, $2)", connection)
        {
            Parameters = { new() { Value = owner }, new() { Value = body } },
        };
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<List<string>> OwnersAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT owner FROM notes ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var owners = new List<string>();
        while (await reader.ReadAsync())
        {
            owners.Add(reader.GetString(0));
        }

        return owners;
    }
}
