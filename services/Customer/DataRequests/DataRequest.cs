using Commerce.Customer.Contracts;

namespace Commerce.Customer.DataRequests;

/// <summary>
/// A data-subject request (access or erasure) Customer owns: made by the customer or an operator, carried out by the
/// data-subject workflow across every context, its outcome recorded here.
/// </summary>
public sealed class DataRequest
{
    public required Guid Id { get; init; }

    public required Guid CustomerId { get; init; }

    public required DataRequestKind Kind { get; init; }

    public DataRequestStatus Status { get; set; }

    public required DateTimeOffset RequestedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Access: the document (jsonb), until the customer's erasure removes it.</summary>
    public string? Document { get; set; }

    /// <summary>Erasure: the report (jsonb): counts per context and kind of record, no personal data.</summary>
    public string? Erased { get; set; }
}
