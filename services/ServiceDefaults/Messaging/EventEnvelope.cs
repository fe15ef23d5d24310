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
    JsonElement Payload);

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
