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

    /// <summary>Delivers <paramref name="envelope"/> as its publisher's dispatcher does (with the publisher's own token) and returns the outcome.</summary>
    public static async Task<InboxOutcome> DeliverAsync(this HttpClient client, string context, EventEnvelope envelope)
    {
        using var response = await client.PostEnvelopeAsync(context, envelope);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<InboxResponse>(CommerceJson.Options))!.Outcome;
    }

    /// <summary>
    /// POSTs <paramref name="envelope"/> to /events/{context} of the host <paramref name="client"/> talks to, with a
    /// token of the envelope's publisher from that host's token server (the inbox takes events only from their
    /// publisher), and returns the answer whatever it is.
    /// </summary>
    public static async Task<HttpResponseMessage> PostEnvelopeAsync(this HttpClient client, string context, EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(envelope);
        var token = await TestIdentity.PublisherTokenAsync(client.BaseAddress!, envelope.Source);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/events/{context}")
        {
            Content = JsonContent.Create(envelope, options: CommerceJson.Options),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }
}
