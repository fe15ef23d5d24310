using Commerce.Shipping.Contracts;

namespace Commerce.Notification.Sending;

/// <summary>
/// Whose order an order id is, as Order's events told Notification: Shipping's tracking updates name the order but not
/// the customer (Shipping never learns who ordered), so a tracking message finds its recipient here. An order's
/// customer never changes, so every event carrying it is the whole state.
/// </summary>
public sealed class OrderRecipient : ICachedCopy
{
    public required Guid OrderId { get; init; }

    public required Guid CustomerId { get; init; }

    public required int SourceVersion { get; set; }
}

internal static class OrderRecipients
{
    public static Task<bool> ApplyAsync(NotificationDbContext db, Guid orderId, Guid customerId, int version, CancellationToken cancellationToken) =>
        db.ApplyAsync<OrderRecipient>(
            r => r.OrderId == orderId,
            version,
            () => new OrderRecipient { OrderId = orderId, CustomerId = customerId, SourceVersion = version },
            s => s.SetProperty(r => r.CustomerId, customerId),
            cancellationToken);

    /// <summary>
    /// Tells the order's customer where the parcel is. Order confirms an order before Shipping ships it, but deliveries
    /// from two publishers may overtake each other: an order not known yet fails the delivery, and Shipping retries it
    /// after Order's event has arrived.
    /// </summary>
    public static async Task NotifyTrackingAsync(IncomingEvent<TrackingUpdated> incoming, NotificationDbContext db, CancellationToken cancellationToken)
    {
        var e = incoming.Event;
        var customerId = await db.OrderRecipients.AsNoTracking().Where(r => r.OrderId == e.OrderId)
            .Select(r => (Guid?)r.CustomerId).FirstOrDefaultAsync(cancellationToken)
            ?? throw new InvalidOperationException($"Order {e.OrderId} is not known to Notification yet; retry.");
        var composer = incoming.Services.GetRequiredService<NotificationComposer>();
        await composer.ComposeAsync(customerId, Contracts.TemplateKeys.ShipmentTracking, new Dictionary<string, string>
        {
            ["orderId"] = e.OrderId.ToString(),
            ["trackingNumber"] = e.TrackingNumber,
            ["status"] = e.Status switch
            {
                ShipmentStatus.LabelCreated => "ready to ship",
                ShipmentStatus.InTransit => "in transit",
                ShipmentStatus.Delivered => "delivered",
                _ => e.Status.ToString(),
            },
            ["location"] = e.Location ?? "not reported",
        }, null, $"event:{incoming.EventId}", cancellationToken);
        incoming.Services.GetRequiredService<NotificationDispatcher>().Wake();
    }
}
