using Commerce.Shipping.Contracts;

namespace Commerce.Shipping.Carrier;

/// <summary>
/// The simulated carrier's own record of a label it issued and what it still owes Shipping: its storage, as a real
/// carrier has its own, which only <see cref="SimulatedCarrier"/> reads or writes. It lives in Shipping's schema
/// (table <c>simulated_carrier_parcels</c>) only because the simulator runs inside Shipping's process.
/// </summary>
public sealed class SimulatedCarrierParcel
{
    /// <summary>The caller's key: a repeated or concurrent request with it gets this parcel's label.</summary>
    public required string IdempotencyKey { get; init; }

    public required string TrackingNumber { get; init; }

    public required DateTimeOffset LabelCreatedAt { get; init; }

    /// <summary>The last status pushed to Shipping (LabelCreated until the first push).</summary>
    public required ShipmentStatus Status { get; set; }

    /// <summary>When the next push is due; null when nothing is left to push (delivered, given up, or driven by hand).</summary>
    public DateTimeOffset? NextPushAt { get; set; }

    /// <summary>Failed tries of the next push so far (Shipping unreachable, or a label nobody recorded).</summary>
    public int FailedPushes { get; set; }

    /// <summary>The W3C traceparent of the request that bought the label: the pushes continue its trace.</summary>
    public string? TraceParent { get; init; }
}
