using Commerce.Shipping.Contracts;
using Commerce.Shipping.Shipments;

namespace Commerce.Shipping.Carrier;

/// <summary>
/// The shipping carrier at the edge: books a label and returns a tracking number. Tracking updates come back
/// later through the webhook (<see cref="TrackingUpdates"/>).
/// </summary>
public interface ICarrier
{
    /// <summary>
    /// Buys the label for <paramref name="idempotencyKey"/>: a repeated or concurrent call with the same key answers
    /// with the label bought first, so a caller that retries or loses a race never pays for a second one.
    /// </summary>
    /// <exception cref="CarrierRejectedException">The carrier will not deliver there (422, don't retry).</exception>
    /// <exception cref="CarrierUnavailableException">The carrier could not be reached (503, retry).</exception>
    Task<CarrierLabel> CreateLabelAsync(
        string idempotencyKey, Guid orderId, ShippingAddress address, int parcels, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the carrier delivers to an address in <paramref name="country"/> (ISO 3166 alpha-2) at
    /// <paramref name="postalCode"/>: what a label for it would not be refused for. A carrier that publishes no service
    /// area is assumed to serve everywhere (its label request then decides).
    /// </summary>
    bool Serves(string country, string postalCode) => true;
}

public sealed record CarrierLabel(string Carrier, string TrackingNumber);

public sealed class CarrierRejectedException(string message) : Exception(message);

public sealed class CarrierUnavailableException(string message) : Exception(message);
