namespace Commerce.Shipping.Contracts;

/// <summary>Ordered: a tracking update that would move a shipment backwards is ignored.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ShipmentStatus>))]
public enum ShipmentStatus
{
    LabelCreated,
    InTransit,
    Delivered,
}

public sealed record ShippingAddress(
    string Recipient,
    string Line1,
    string City,
    string PostalCode,
    string Country,
    string? Line2 = null,
    string? Region = null);

public sealed record ShipmentItem(Guid ProductId, string Sku, int Quantity);

/// <summary>
/// Idempotent per order for identical content: creating a shipment for an order that has one returns the existing
/// shipment when the address and items are the same (a retry), and is a 409 when they differ.
/// </summary>
public sealed record CreateShipmentRequest(
    Guid OrderId,
    ShippingAddress Address,
    [property: MaxLength(CreateShipmentRequest.MaxItems)] IReadOnlyList<ShipmentItem> Items)
{
    public const int MaxItems = 100;
}

public sealed record TrackingEventResponse(ShipmentStatus Status, string? Location, DateTimeOffset OccurredAt);

public sealed record ShipmentResponse(
    Guid Id,
    Guid OrderId,
    string Carrier,
    string TrackingNumber,
    ShipmentStatus Status,
    ShippingAddress Address,
    IReadOnlyList<ShipmentItem> Items,
    IReadOnlyList<TrackingEventResponse> TrackingEvents,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt,
    int Version,
    ShipmentStop? Route = null);

/// <summary>
/// Where the shipment is on Delivery's delivery route (cached from Delivery's ShipmentRouted): stop
/// <paramref name="StopNumber"/> of <paramref name="Stops"/> on route <paramref name="RouteId"/> of <paramref name="Day"/>.
/// Null while it is on no route.
/// </summary>
public sealed record ShipmentStop(Guid RouteId, DateOnly Day, string Region, int StopNumber, int Stops);

/// <summary>What the carrier pushes to POST /shipments/carrier/webhook. <see cref="EventId"/> deduplicates redeliveries.</summary>
public sealed record CarrierTrackingUpdate(
    Guid EventId,
    string TrackingNumber,
    ShipmentStatus Status,
    string? Location,
    DateTimeOffset OccurredAt);

public sealed record CarrierOutageRequest(bool Enabled);

public sealed record CarrierOutageResponse(bool Enabled);

/// <summary>A customer's shipping address as Shipping cached it, and whether the carrier delivers there.</summary>
public sealed record CustomerShippingAddressResponse(
    Guid AddressId,
    string Recipient,
    string Line1,
    string? Line2,
    string City,
    string? Region,
    string PostalCode,
    string Country,
    bool CarrierServes);

/// <summary>Postal codes the simulated carrier rejects as undeliverable (422).</summary>
public static class TestAddresses
{
    public const string UndeliverablePostalCode = "00000";
}
