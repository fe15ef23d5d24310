namespace Commerce.Shipping.Contracts;

// Event payloads; the envelope carries event id, type, aggregate id (= shipment id), aggregate version and occurred-at.

public sealed record ShipmentCreated(Guid ShipmentId, Guid OrderId, string Carrier, string TrackingNumber);

public sealed record TrackingUpdated(
    Guid ShipmentId,
    Guid OrderId,
    string TrackingNumber,
    ShipmentStatus Status,
    string? Location,
    DateTimeOffset OccurredAt);

/// <summary>What the order saga waits for.</summary>
public sealed record ShipmentDelivered(Guid ShipmentId, Guid OrderId, string TrackingNumber, DateTimeOffset DeliveredAt);
