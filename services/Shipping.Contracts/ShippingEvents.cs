namespace Commerce.Shipping.Contracts;

// Event payloads; the envelope carries event id, type, aggregate id (= shipment id), aggregate version and occurred-at.

/// <summary>A shipment got its label.</summary>
/// <param name="PostalCode">Where it goes (the address's postal code, as the shipment keeps it): Delivery places its stop by it.</param>
/// <param name="Country">The address's ISO 3166-1 alpha-2 country.</param>
/// <param name="Region">The address's region (state, county), when it has one.</param>
public sealed record ShipmentCreated(
    Guid ShipmentId,
    Guid OrderId,
    string Carrier,
    string TrackingNumber,
    string? PostalCode = null,
    string? Country = null,
    string? Region = null);

public sealed record TrackingUpdated(
    Guid ShipmentId,
    Guid OrderId,
    string TrackingNumber,
    ShipmentStatus Status,
    string? Location,
    DateTimeOffset OccurredAt);

/// <summary>What the order saga waits for.</summary>
public sealed record ShipmentDelivered(Guid ShipmentId, Guid OrderId, string TrackingNumber, DateTimeOffset DeliveredAt);
