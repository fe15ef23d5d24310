using Commerce.Order.Caches;
using Commerce.Order.Contracts;

namespace Commerce.Order.Orders;

/// <summary>
/// What the owners of an order's reservation, payment, shipment and coupon last reported about it, read from
/// Order's caches for GET /orders/{id}. An order may have had more than one of each (a retried reservation, a
/// second payment after a declined one): the one the owner changed last is the order's.
/// </summary>
internal static class OrderViews
{
    public sealed record Progress(
        OrderReservation? Reservation, OrderPayment? Payment, OrderShipment? Shipment, OrderCouponUse? CouponUse,
        IReadOnlyDictionary<Guid, CachedCampaign> Campaigns);

    public static async Task<Progress> ProgressAsync(OrderDbContext db, Order order, CancellationToken ct) => new(
        await ReservationOfAsync(db, order.Id, ct),
        await PaymentOfAsync(db, order.Id, ct),
        await ShipmentOfAsync(db, order.Id, ct),
        order.CouponCode is null ? null : await CouponUseOfAsync(db, order.Id, ct),
        await CampaignsOfAsync(db, [.. order.Promotions.Select(p => p.PromotionId)], ct));

    private static Task<OrderReservation?> ReservationOfAsync(OrderDbContext db, Guid orderId, CancellationToken ct) =>
        db.Reservations.AsNoTracking().Where(r => r.OrderId == orderId)
            .OrderByDescending(r => r.UpdatedAt).ThenByDescending(r => r.SourceVersion)
            .Select(r => new OrderReservation(r.Status, r.ExpiresAt)).FirstOrDefaultAsync(ct);

    private static Task<OrderPayment?> PaymentOfAsync(OrderDbContext db, Guid orderId, CancellationToken ct) =>
        db.Payments.AsNoTracking().Where(p => p.OrderId == orderId)
            .OrderByDescending(p => p.UpdatedAt).ThenByDescending(p => p.SourceVersion)
            .Select(p => new OrderPayment(p.Status, p.Amount, p.Currency, p.Refunded)).FirstOrDefaultAsync(ct);

    private static Task<OrderShipment?> ShipmentOfAsync(OrderDbContext db, Guid orderId, CancellationToken ct) =>
        db.Shipments.AsNoTracking().Where(s => s.OrderId == orderId)
            .OrderByDescending(s => s.UpdatedAt).ThenByDescending(s => s.SourceVersion)
            .Select(s => new OrderShipment(s.Carrier, s.TrackingNumber, s.Status, s.Location, s.DeliveredAt)).FirstOrDefaultAsync(ct);

    private static Task<OrderCouponUse?> CouponUseOfAsync(OrderDbContext db, Guid orderId, CancellationToken ct) =>
        db.CouponUses.AsNoTracking().Where(c => c.OrderId == orderId)
            .OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.SourceVersion)
            .Select(c => new OrderCouponUse(c.Code, c.Status)).FirstOrDefaultAsync(ct);

    private static async Task<IReadOnlyDictionary<Guid, CachedCampaign>> CampaignsOfAsync(OrderDbContext db, List<Guid> promotionIds, CancellationToken ct) =>
        promotionIds.Count == 0
            ? new Dictionary<Guid, CachedCampaign>()
            : await db.Campaigns.AsNoTracking().Where(c => promotionIds.Contains(c.PromotionId)).ToDictionaryAsync(c => c.PromotionId, ct);
}
