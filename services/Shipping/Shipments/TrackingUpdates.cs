using Commerce.Shipping.Contracts;

namespace Commerce.Shipping.Shipments;

public enum TrackingOutcome
{
    Applied,
    Duplicate,
    /// <summary>Not newer than the shipment's status (arrived out of order): recorded nowhere, changes nothing.</summary>
    Stale,
    UnknownTrackingNumber,
}

/// <summary>Applies a carrier's tracking update: what the webhook and the simulated carrier both run.</summary>
public sealed class TrackingUpdates(ShippingDbContext db, TimeProvider clock, ILogger<TrackingUpdates> logger)
{
    public async Task<TrackingOutcome> ApplyAsync(CarrierTrackingUpdate update, CancellationToken cancellationToken)
    {
        var shipment = await db.Shipments.FirstOrDefaultAsync(s => s.TrackingNumber == update.TrackingNumber, cancellationToken);
        if (shipment is null)
        {
            return TrackingOutcome.UnknownTrackingNumber;
        }

        if (await db.TrackingEvents.AnyAsync(t => t.CarrierEventId == update.EventId, cancellationToken))
        {
            return TrackingOutcome.Duplicate;
        }

        if (update.Status <= shipment.Status)
        {
            logger.LogInformation(
                "Ignored {Status} for shipment {ShipmentId}: it is already {Current}", update.Status, shipment.Id, shipment.Status);
            return TrackingOutcome.Stale;
        }

        shipment.Status = update.Status;
        shipment.Version++;
        var tracking = new TrackingEvent
        {
            Id = Guid.CreateVersion7(),
            ShipmentId = shipment.Id,
            Status = update.Status,
            Location = update.Location,
            OccurredAt = update.OccurredAt,
            CarrierEventId = update.EventId,
        };
        db.TrackingEvents.Add(tracking);
        shipment.TrackingEvents.Add(tracking);

        // One event per version: subscribers drop versions they have seen, so two events at one version would lose one.
        var now = clock.GetUtcNow();
        if (update.Status == ShipmentStatus.Delivered)
        {
            shipment.DeliveredAt = update.OccurredAt;
            db.AddEvent(
                new ShipmentDelivered(shipment.Id, shipment.OrderId, shipment.TrackingNumber, update.OccurredAt),
                shipment.Id, shipment.Version, now);
        }
        else
        {
            db.AddEvent(
                new TrackingUpdated(shipment.Id, shipment.OrderId, shipment.TrackingNumber, update.Status, update.Location, update.OccurredAt),
                shipment.Id, shipment.Version, now);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (Checks.IsUniqueViolation(exception))
        {
            // The same carrier event applied concurrently by another delivery of the webhook.
            return TrackingOutcome.Duplicate;
        }

        logger.LogInformation("Shipment {ShipmentId} of order {OrderId} is {Status}", shipment.Id, shipment.OrderId, shipment.Status);
        return TrackingOutcome.Applied;
    }
}
