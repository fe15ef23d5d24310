using System.Text.Json;
using System.Text.Json.Serialization;

namespace Commerce.ServiceDefaults.Messaging;

/// <summary>What the dispatcher POSTs to a subscriber's events endpoint (read tolerantly: publishers may be newer).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record EventEnvelope(
    Guid Id,
    string Type,
    string Source,
    string AggregateId,
    int AggregateVersion,
    DateTimeOffset OccurredAt,
    JsonElement Payload)
{
    /// <summary>
    /// The payload as <typeparamref name="TEvent"/>, read as strictly as a request body. A payload that does not
    /// bind is the sender's fault: it fails as a bad request (400 problem details, fields under <c>payload.</c>),
    /// not as a handler error the publisher would retry into its dead letters.
    /// </summary>
    public TEvent PayloadAs<TEvent>()
    {
        try
        {
            return Payload.Deserialize<TEvent>(CommerceJson.Options)
                   ?? throw new JsonException($"The {Type} payload is empty.", "$", null, null);
        }
        catch (JsonException e)
        {
            var path = e.Path is null or "$" ? "$.payload" : "$.payload" + e.Path[1..];
            var bound = e is JsonFieldException member
                ? new JsonFieldException(member.Field, member.Message, path)
                : new JsonException(e.Message, path, null, null, e);
            throw new BadHttpRequestException($"The {Type} payload is not valid.", StatusCodes.Status400BadRequest, bound);
        }
    }
}

/// <summary>What a handler gets: the typed event plus its envelope facts.</summary>
public sealed record IncomingEvent<TEvent>(
    TEvent Event,
    Guid EventId,
    string Source,
    string AggregateId,
    int AggregateVersion,
    DateTimeOffset OccurredAt,
    IServiceProvider Services);

/// <summary>How the inbox dealt with a delivery.</summary>
public enum InboxOutcome
{
    Processed,
    Duplicate,
    Stale,
    Unhandled,

    /// <summary>Older than the inbox remembers processed ids (Commerce:Retention:ProcessedEvents): refused, not applied.</summary>
    Expired,
}

public sealed record InboxResponse(Guid EventId, InboxOutcome Outcome);
