namespace Commerce.ServiceDefaults.Messaging;

/// <summary>A domain event written in the same transaction as the state change it describes.</summary>
public sealed class OutboxMessage
{
    public required Guid Id { get; init; }

    /// <summary>The event record's type name, e.g. "InventoryReserved".</summary>
    public required string Type { get; init; }

    public required string AggregateId { get; init; }

    public required int AggregateVersion { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The event record as JSON (jsonb).</summary>
    public required string Payload { get; init; }

    /// <summary>
    /// The W3C traceparent of the span that wrote the event (null outside a trace): its deliveries continue that
    /// trace, whenever and wherever the dispatcher runs.
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>Set once the dispatcher has created one delivery per subscriber.</summary>
    public bool FannedOut { get; set; }
}

public enum OutboxDeliveryStatus
{
    Pending = 0,
    Delivered = 1,
    DeadLettered = 2,
}

/// <summary>One event on its way to one subscriber, with its retry state.</summary>
public sealed class OutboxDelivery
{
    public required Guid Id { get; init; }

    public required Guid MessageId { get; init; }

    public required string Subscriber { get; init; }

    public OutboxDeliveryStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }
}

/// <summary>An event this context has processed (or deliberately ignored), recorded with the handler's effect.</summary>
public sealed class InboxEvent
{
    public required Guid EventId { get; init; }

    public required string Source { get; init; }

    public required string Type { get; init; }

    public required string Outcome { get; init; }

    public required DateTimeOffset ProcessedAt { get; init; }
}

/// <summary>The newest version applied per publisher aggregate; older events are ignored.</summary>
public sealed class InboxAggregateVersion
{
    public required string Source { get; init; }

    public required string AggregateId { get; init; }

    public required int Version { get; set; }
}
