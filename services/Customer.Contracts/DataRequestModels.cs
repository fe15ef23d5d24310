using System.Text.Json;

namespace Commerce.Customer.Contracts;

/// <summary>What a data-subject request asks for (GDPR articles 15 and 17).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DataRequestKind>))]
public enum DataRequestKind
{
    /// <summary>One document with everything every context holds about the customer.</summary>
    Access,

    /// <summary>Every context erases or anonymises what it holds; accounting records stay, anonymised.</summary>
    Erasure,
}

[JsonConverter(typeof(JsonStringEnumConverter<DataRequestStatus>))]
public enum DataRequestStatus
{
    /// <summary>The data-subject workflow is on it (it may be waiting for an operator: see the workflow's status).</summary>
    Running,
    Completed,
}

public sealed record CreateDataRequest(DataRequestKind Kind);

/// <param name="Document">Access: every context's export, by context then kind of record; null until completed, and
/// after an erasure of the customer.</param>
/// <param name="Erased">Erasure: the records each context erased or anonymised, by context then kind of record.</param>
public sealed record DataRequestResponse(
    Guid Id,
    Guid CustomerId,
    DataRequestKind Kind,
    DataRequestStatus Status,
    DateTimeOffset RequestedAt,
    DateTimeOffset? CompletedAt,
    JsonElement? Document,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>? Erased);

/// <summary>What the data-subject workflow found or did, recorded on the request when it completes.</summary>
public sealed record DataRequestOutcome(
    JsonElement? Document,
    [property: MaxLength(DataRequestOutcome.MaxContexts)] IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>? Erased)
{
    public const int MaxContexts = 100;
}
