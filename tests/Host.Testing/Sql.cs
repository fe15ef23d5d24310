using Npgsql;

namespace Commerce.Host.Testing;

/// <summary>Direct SQL as the admin, for assertions the API does not expose (row counts, outbox contents).</summary>
public sealed class Sql(string connectionString)
{
    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var result = await command.ExecuteScalarAsync();
        return (T)Convert.ChangeType(result!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public Task<long> CountAsync(string table, string where = "true", params object[] parameters) =>
        ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE {where}", parameters);

    public async Task<List<object?[]>> RowsAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Event types in a schema's outbox for one aggregate, in version order.</summary>
    public async Task<List<string>> EventTypesAsync(string schema, string aggregateId) =>
        [.. (await RowsAsync(
                $"""SELECT type FROM "{schema}".outbox_messages WHERE aggregate_id = $1 ORDER BY aggregate_version, occurred_at""",
                aggregateId))
            .Select(r => (string)r[0]!)];

    /// <summary>
    /// Events not yet handed to every subscriber, over every schema that has an outbox: written but not fanned out,
    /// or fanned out and still pending delivery. Zero means the event web is quiet.
    /// </summary>
    public async Task<long> UndeliveredEventsAsync()
    {
        var schemas = (await RowsAsync(
                "SELECT table_schema FROM information_schema.tables WHERE table_name = 'outbox_deliveries' ORDER BY 1"))
            .Select(row => (string)row[0]!);
        var pending = string.Join(" + ", schemas.Select(schema =>
            $"""(SELECT count(*) FROM "{schema}".outbox_messages WHERE NOT fanned_out) + (SELECT count(*) FROM "{schema}".outbox_deliveries WHERE status = 0)"""));
        return pending.Length == 0 ? 0 : await ScalarAsync<long>($"SELECT {pending}");
    }
}
