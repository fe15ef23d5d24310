using Commerce.Inventory.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Promotion.Contracts;
using Commerce.Shipping.Contracts;

namespace Commerce.Order.Caches;

/// <summary>
/// What happens to an order elsewhere — its stock reservation, its payment, its shipment, its coupon use and the
/// campaigns it was priced with — cached from the owners' events so GET /orders/{id} shows it without asking them.
/// Each copy is one owner aggregate (reservation key, payment id, shipment id, redemption key, promotion id) written
/// with <see cref="CachedCopies.ApplyAsync{TCopy}"/> at that aggregate's version: the newest version wins, so
/// reordered and duplicated deliveries converge.
/// </summary>
internal static class ProgressHandlers
{
    public static CommerceContextBuilder<OrderDbContext> HandleProgressEvents(this CommerceContextBuilder<OrderDbContext> context) => context
        .HandleEvent<InventoryReserved>("Inventory", (e, db, ct) =>
            ApplyReservationAsync(db, e, e.Event.Key, e.Event.OrderId, "Reserved", e.Event.ExpiresAt, ct))
        .HandleEvent<InventoryReservationCommitted>("Inventory", (e, db, ct) =>
            ApplyReservationAsync(db, e, e.Event.Key, e.Event.OrderId, "Committed", null, ct))
        .HandleEvent<InventoryReservationReleased>("Inventory", (e, db, ct) =>
            ApplyReservationAsync(db, e, e.Event.Key, e.Event.OrderId, "Released", null, ct))
        .HandleEvent<InventoryReservationExpired>("Inventory", (e, db, ct) =>
            ApplyReservationAsync(db, e, e.Event.Key, e.Event.OrderId, "Expired", null, ct))
        .HandleEvent<InventoryFulfilled>("Inventory", (e, db, ct) =>
            ApplyReservationAsync(db, e, e.Event.Key, e.Event.OrderId, "Fulfilled", null, ct))
        .HandleEvent<PaymentAuthorized>("Payment", (e, db, ct) =>
            ApplyPaymentAsync(db, e, e.Event.PaymentId, e.Event.OrderId, "Authorized", e.Event.Amount, e.Event.Currency, null, ct))
        // Handled at every version: a refund may overtake it, and a refund does not carry the amount captured.
        .HandleEvent<PaymentCaptured>("Payment", ApplyCapturedAsync, ignoreStaleVersions: false)
        .HandleEvent<PaymentFailed>("Payment", (e, db, ct) =>
            ApplyPaymentAsync(db, e, e.Event.PaymentId, e.Event.OrderId, "Failed", e.Event.Amount, e.Event.Currency, null, ct))
        .HandleEvent<PaymentVoided>("Payment", (e, db, ct) =>
            ApplyPaymentAsync(db, e, e.Event.PaymentId, e.Event.OrderId, "Voided", e.Event.Amount, e.Event.Currency, null, ct))
        // A refund carries the running total refunded (whole), but not the amount captured: that one stays as it is.
        .HandleEvent<PaymentRefunded>("Payment", (e, db, ct) =>
            ApplyPaymentAsync(db, e, e.Event.PaymentId, e.Event.OrderId, "Refunded", null, e.Event.Currency, e.Event.TotalRefunded, ct))
        // Handled at every version: a tracking update may overtake it, and only this event names the carrier.
        .HandleEvent<ShipmentCreated>("Shipping", ApplyShipmentCreatedAsync, ignoreStaleVersions: false)
        .HandleEvent<TrackingUpdated>("Shipping", (e, db, ct) => ApplyShipmentAsync(db, e, e.Event.ShipmentId, e.Event.OrderId,
            e.Event.TrackingNumber, e.Event.Status.ToString(), e.Event.Location, null, ct))
        // Delivery ends the tracking: no location any more, the delivery time instead (the same whatever came before).
        .HandleEvent<ShipmentDelivered>("Shipping", (e, db, ct) => ApplyShipmentAsync(db, e, e.Event.ShipmentId, e.Event.OrderId,
            e.Event.TrackingNumber, nameof(ShipmentStatus.Delivered), null, e.Event.DeliveredAt, ct))
        // Handled at every version: an expiry may overtake it, and only this event carries the campaign's window.
        .HandleEvent<PromotionActivated>("Promotion", ApplyActivatedAsync, ignoreStaleVersions: false)
        .HandleEvent<PromotionExpired>("Promotion", (e, db, ct) =>
            db.ApplyAsync<CachedCampaign>(
                c => c.PromotionId == e.Event.PromotionId,
                e.AggregateVersion,
                () => new CachedCampaign { PromotionId = e.Event.PromotionId, Name = e.Event.Name, Active = false },
                s => s.SetProperty(c => c.Name, e.Event.Name).SetProperty(c => c.Active, false),
                ct))
        .HandleEvent<PromotionApplied>("Promotion", (e, db, ct) =>
            ApplyCouponUseAsync(db, e, e.Event.OrderId, e.Event.Code, "Applied", ct))
        .HandleEvent<PromotionUseReleased>("Promotion", (e, db, ct) =>
            ApplyCouponUseAsync(db, e, e.Event.OrderId, e.Event.Code, "Released", ct))
        .KeepCachedCopies<CachedReservation>(PartOfTheOrder)
        .KeepCachedCopies<CachedPayment>(PartOfTheOrder)
        .KeepCachedCopies<CachedShipment>(PartOfTheOrder)
        .KeepCachedCopies<CachedCouponUse>(PartOfTheOrder)
        .KeepCachedCopies<CachedCampaign>(PartOfTheOrder);

    private const string PartOfTheOrder = "part of the order's view (GET /orders/{id}), kept as long as the order";

    private static Task<bool> ApplyReservationAsync<TEvent>(
        OrderDbContext db, IncomingEvent<TEvent> e, string key, Guid? orderId, string status, DateTimeOffset? expiresAt, CancellationToken ct) =>
        db.ApplyAsync<CachedReservation>(
            r => r.Key == key,
            e.AggregateVersion,
            () => new CachedReservation { Key = key, OrderId = orderId, Status = status, ExpiresAt = expiresAt, UpdatedAt = e.OccurredAt },
            s => s.SetProperty(r => r.OrderId, orderId).SetProperty(r => r.Status, status)
                .SetProperty(r => r.ExpiresAt, expiresAt).SetProperty(r => r.UpdatedAt, e.OccurredAt),
            ct);

    /// <param name="amount">Authorized, captured or voided; null for a refund, which leaves the amount captured as it is.</param>
    private static Task<bool> ApplyPaymentAsync<TEvent>(
        OrderDbContext db, IncomingEvent<TEvent> e, Guid paymentId, Guid orderId, string status, decimal? amount, string currency, decimal? refunded,
        CancellationToken ct) =>
        db.ApplyAsync<CachedPayment>(
            p => p.PaymentId == paymentId,
            e.AggregateVersion,
            () => new CachedPayment
            {
                PaymentId = paymentId,
                OrderId = orderId,
                Status = status,
                Amount = amount,
                Currency = currency,
                Refunded = refunded,
                UpdatedAt = e.OccurredAt,
            },
            s =>
            {
                s.SetProperty(p => p.OrderId, orderId).SetProperty(p => p.Status, status)
                    .SetProperty(p => p.Currency, currency).SetProperty(p => p.Refunded, refunded).SetProperty(p => p.UpdatedAt, e.OccurredAt);
                if (amount is not null)
                {
                    s.SetProperty(p => p.Amount, amount);
                }
            },
            ct);

    private static async Task ApplyCapturedAsync(IncomingEvent<PaymentCaptured> e, OrderDbContext db, CancellationToken ct)
    {
        var (id, amount) = (e.Event.PaymentId, e.Event.Amount);
        if (!await ApplyPaymentAsync(db, e, id, e.Event.OrderId, "Captured", amount, e.Event.Currency, null, ct))
        {
            // A refund got here first and could not say what was captured. A payment is captured once, and only a captured
            // payment is refunded, so filling in the missing amount gives the same copy whatever the order.
            await db.Payments.Where(p => p.PaymentId == id && p.Amount == null)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Amount, amount), ct);
        }
    }

    private static async Task ApplyShipmentCreatedAsync(IncomingEvent<ShipmentCreated> e, OrderDbContext db, CancellationToken ct)
    {
        var (id, carrier) = (e.Event.ShipmentId, e.Event.Carrier);
        if (!await db.ApplyAsync<CachedShipment>(
                s => s.ShipmentId == id,
                e.AggregateVersion,
                () => new CachedShipment
                {
                    ShipmentId = id,
                    OrderId = e.Event.OrderId,
                    Carrier = carrier,
                    TrackingNumber = e.Event.TrackingNumber,
                    Status = nameof(ShipmentStatus.LabelCreated),
                    UpdatedAt = e.OccurredAt,
                },
                s => s.SetProperty(x => x.Carrier, carrier).SetProperty(x => x.TrackingNumber, e.Event.TrackingNumber)
                    .SetProperty(x => x.Status, nameof(ShipmentStatus.LabelCreated)).SetProperty(x => x.Location, (string?)null)
                    .SetProperty(x => x.DeliveredAt, (DateTimeOffset?)null).SetProperty(x => x.UpdatedAt, e.OccurredAt),
                ct))
        {
            // A newer version got here first and could not name the carrier. The carrier never changes after the label
            // is created, so filling in the missing one is the same whatever the order: the copy still converges.
            await db.Shipments.Where(s => s.ShipmentId == id && s.Carrier == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Carrier, carrier), ct);
        }
    }

    /// <remarks>The carrier is left as it is: only ShipmentCreated knows it (a copy this creates waits for it).</remarks>
    private static Task<bool> ApplyShipmentAsync<TEvent>(
        OrderDbContext db, IncomingEvent<TEvent> e, Guid shipmentId, Guid orderId, string trackingNumber, string status, string? location,
        DateTimeOffset? deliveredAt, CancellationToken ct) =>
        db.ApplyAsync<CachedShipment>(
            s => s.ShipmentId == shipmentId,
            e.AggregateVersion,
            () => new CachedShipment
            {
                ShipmentId = shipmentId,
                OrderId = orderId,
                TrackingNumber = trackingNumber,
                Status = status,
                Location = location,
                DeliveredAt = deliveredAt,
                UpdatedAt = e.OccurredAt,
            },
            s => s.SetProperty(x => x.OrderId, orderId).SetProperty(x => x.TrackingNumber, trackingNumber).SetProperty(x => x.Status, status)
                .SetProperty(x => x.Location, location).SetProperty(x => x.DeliveredAt, deliveredAt).SetProperty(x => x.UpdatedAt, e.OccurredAt),
            ct);

    private static async Task ApplyActivatedAsync(IncomingEvent<PromotionActivated> e, OrderDbContext db, CancellationToken ct)
    {
        var (id, starts, ends) = (e.Event.PromotionId, e.Event.StartsAt, e.Event.EndsAt);
        if (!await db.ApplyAsync<CachedCampaign>(
                c => c.PromotionId == id,
                e.AggregateVersion,
                () => new CachedCampaign { PromotionId = id, Name = e.Event.Name, Active = true, StartsAt = starts, EndsAt = ends },
                s => s.SetProperty(c => c.Name, e.Event.Name).SetProperty(c => c.Active, true)
                    .SetProperty(c => c.StartsAt, starts).SetProperty(c => c.EndsAt, ends),
                ct))
        {
            // An expiry got here first: name and status stay its (newer) ones; the window, fixed when the campaign was
            // created, is filled in if missing, which gives the same copy whatever the order.
            await db.Campaigns.Where(c => c.PromotionId == id && c.EndsAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.StartsAt, starts).SetProperty(c => c.EndsAt, ends), ct);
        }
    }

    /// <remarks>The copy is the redemption (aggregate = its key); both events name the order and the code, so each is whole.</remarks>
    private static Task<bool> ApplyCouponUseAsync<TEvent>(
        OrderDbContext db, IncomingEvent<TEvent> e, Guid orderId, string code, string status, CancellationToken ct) =>
        db.ApplyAsync<CachedCouponUse>(
            c => c.Key == e.AggregateId,
            e.AggregateVersion,
            () => new CachedCouponUse { Key = e.AggregateId, OrderId = orderId, Code = code, Status = status, UpdatedAt = e.OccurredAt },
            s => s.SetProperty(c => c.OrderId, orderId).SetProperty(c => c.Code, code).SetProperty(c => c.Status, status)
                .SetProperty(c => c.UpdatedAt, e.OccurredAt),
            ct);
}
