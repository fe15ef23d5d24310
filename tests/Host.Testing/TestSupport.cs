using System.Net.Http.Json;
using System.Text.Json;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;

namespace Commerce.Host.Testing;

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
