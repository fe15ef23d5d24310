using Commerce.Customer.Contracts;

namespace Commerce.Order.Caches;

/// <summary>
/// One address of a customer's address book, from CustomerAddressAdded (the customer's version that added it).
/// Addresses are only ever added; a newer default of a kind clears the older ones' flags at the owner, so the
/// default of a kind is the newest cached address flagged default (see <see cref="Orders.OrderTransitions"/>).
/// </summary>
public sealed class CachedAddress : ICachedCopy
{
    public required Guid AddressId { get; init; }

    public required Guid CustomerId { get; set; }

    public required AddressKind Kind { get; set; }

    public required string Recipient { get; set; }

    public required string Line1 { get; set; }

    public string? Line2 { get; set; }

    public required string City { get; set; }

    public string? Region { get; set; }

    public required string PostalCode { get; set; }

    public required string Country { get; set; }

    public bool IsDefault { get; set; }

    public int SourceVersion { get; set; }
}

/// <summary>A stock reservation (Inventory's reservation key), its order and its latest status.</summary>
public sealed class CachedReservation : ICachedCopy
{
    public required string Key { get; init; }

    public Guid? OrderId { get; set; }

    /// <summary>Reserved, Committed, Released, Expired or Fulfilled.</summary>
    public required string Status { get; set; }

    /// <summary>When a held (not yet committed) reservation lapses; null in every other status.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>When the owner made the change this copy reflects (the newest of an order's reservations is shown).</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    public int SourceVersion { get; set; }
}

/// <summary>A payment of an order, as its latest event left it.</summary>
public sealed class CachedPayment : ICachedCopy
{
    public required Guid PaymentId { get; init; }

    public required Guid OrderId { get; set; }

    /// <summary>Authorized, Captured, Failed, Voided or Refunded.</summary>
    public required string Status { get; set; }

    /// <summary>Authorized, then captured (a refund does not change it); null while only a refund has been reported.</summary>
    public decimal? Amount { get; set; }

    public required string Currency { get; set; }

    /// <summary>What has been refunded in all; null until a refund.</summary>
    public decimal? Refunded { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public int SourceVersion { get; set; }
}

/// <summary>
/// An order's shipment. Status, location and delivery time follow the newest shipment version; the carrier is
/// carried by ShipmentCreated only and never changes afterwards, so it is filled in once whenever it arrives.
/// </summary>
public sealed class CachedShipment : ICachedCopy
{
    public required Guid ShipmentId { get; init; }

    public required Guid OrderId { get; set; }

    public string? Carrier { get; set; }

    public required string TrackingNumber { get; set; }

    /// <summary>LabelCreated, InTransit or Delivered.</summary>
    public required string Status { get; set; }

    public string? Location { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public int SourceVersion { get; set; }
}

/// <summary>
/// A promotion campaign's name, window and whether it discounts now. The name and the active flag follow the newest
/// campaign version; the window is carried by PromotionActivated only and never changes once the campaign exists
/// (Promotion has no way to edit it), so it is filled in once whenever an activation arrives.
/// </summary>
public sealed class CachedCampaign : ICachedCopy
{
    public required Guid PromotionId { get; init; }

    public required string Name { get; set; }

    public bool Active { get; set; }

    public DateTimeOffset? StartsAt { get; set; }

    public DateTimeOffset? EndsAt { get; set; }

    public int SourceVersion { get; set; }
}

/// <summary>A coupon use claimed for an order (Promotion's redemption, by its key): applied, or given back.</summary>
public sealed class CachedCouponUse : ICachedCopy
{
    public required string Key { get; init; }

    public required Guid OrderId { get; set; }

    public required string Code { get; set; }

    /// <summary>Applied or Released.</summary>
    public required string Status { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public int SourceVersion { get; set; }
}
