using System.Security.Cryptography;
using Commerce.Shipping.Contracts;
using Commerce.Shipping.Shipments;

namespace Commerce.Shipping.Carrier;

public sealed class SimulatedCarrierOptions
{
    /// <summary>After a label is created, the parcel is reported in transit after this delay...</summary>
    public TimeSpan InTransitAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>...and delivered this long after that.</summary>
    public TimeSpan DeliveredAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>False leaves progress to explicit webhook calls (tests that drive the carrier by hand).</summary>
    public bool AutoAdvance { get; set; } = true;
}

/// <summary>
/// A stand-in carrier: refuses <see cref="TestAddresses.UndeliverablePostalCode"/>, fails everything while the
/// operator's outage switch is on, and pushes "in transit" then "delivered" for every label it created, after
/// the configured delays, through the same code the webhook runs. Scheduled pushes live in memory only: a
/// restart forgets them (a real carrier would keep pushing; use the webhook to advance such a shipment).
/// </summary>
public sealed class SimulatedCarrier(
    IServiceScopeFactory scopes,
    IOptions<SimulatedCarrierOptions> options,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<SimulatedCarrier> logger) : ICarrier
{
    public const string Name = "SimPost";

    private volatile bool outage;

    /// <summary>Raised after each push has been applied (tests wait on it instead of sleeping).</summary>
    public event Action<CarrierTrackingUpdate>? Pushed;

    public bool OutageEnabled
    {
        get => outage;
        set => outage = value;
    }

    public Task<CarrierLabel> CreateLabelAsync(Guid orderId, ShippingAddress address, int parcels, CancellationToken cancellationToken)
    {
        if (outage)
        {
            throw new CarrierUnavailableException("The carrier is unavailable (outage switched on).");
        }

        if (address.PostalCode.Trim() == TestAddresses.UndeliverablePostalCode)
        {
            throw new CarrierRejectedException($"The carrier does not deliver to postal code {address.PostalCode}.");
        }

        var label = new CarrierLabel(Name, $"SIM{RandomNumberGenerator.GetInt32(0, int.MaxValue):D10}{RandomNumberGenerator.GetInt32(0, 100):D2}");
        if (options.Value.AutoAdvance)
        {
            _ = AdvanceAsync(label.TrackingNumber, lifetime.ApplicationStopping);
        }

        return Task.FromResult(label);
    }

    private async Task AdvanceAsync(string trackingNumber, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(options.Value.InTransitAfter, clock, stopping);
            await PushAsync(trackingNumber, ShipmentStatus.InTransit, "Sorting centre", stopping);
            await Task.Delay(options.Value.DeliveredAfter, clock, stopping);
            await PushAsync(trackingNumber, ShipmentStatus.Delivered, "Front door", stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Host shutting down: the simulated parcel stops where it is.
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "Simulated carrier could not push an update for {TrackingNumber}", trackingNumber);
        }
    }

    private async Task PushAsync(string trackingNumber, ShipmentStatus status, string location, CancellationToken cancellationToken)
    {
        var update = new CarrierTrackingUpdate(Guid.NewGuid(), trackingNumber, status, location, clock.GetUtcNow());
        // The label's shipment row is committed right after CreateLabelAsync returns; a push that races ahead of
        // that commit, or meets the database unavailable, is retried, as a real carrier retries a webhook that failed.
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            TrackingOutcome outcome;
            try
            {
                outcome = await scope.ServiceProvider.GetRequiredService<TrackingUpdates>().ApplyAsync(update, cancellationToken);
            }
            catch (Exception exception) when (attempt < 20 && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Simulated carrier push {Status} for {TrackingNumber} failed; retrying", status, trackingNumber);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), clock, cancellationToken);
                continue;
            }

            if (outcome != TrackingOutcome.UnknownTrackingNumber || attempt == 20)
            {
                logger.LogInformation("Simulated carrier pushed {Status} for {TrackingNumber}: {Outcome}", status, trackingNumber, outcome);
                Pushed?.Invoke(update);
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), clock, cancellationToken);
        }
    }
}
