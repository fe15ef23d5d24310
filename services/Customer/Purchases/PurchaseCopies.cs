using Commerce.Customer.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Promotion.Contracts;

namespace Commerce.Customer.Purchases;

/// <summary>A saved card as Payment announced it (brand, last four, expiry only; never the number).</summary>
public sealed class SavedCardCopy : ICachedCopy
{
    public required Guid PaymentMethodId { get; init; }

    public required Guid CustomerId { get; init; }

    public required string Brand { get; set; }

    public required string Last4 { get; set; }

    public required int ExpiryMonth { get; set; }

    public required int ExpiryYear { get; set; }

    public required bool Removed { get; set; }

    public required int SourceVersion { get; set; }
}

public enum PurchaseAmountKind
{
    Captured,
    Refunded,
}

/// <summary>
/// One payment's captured amount, or its refunded total, as Payment last announced it: one row per (payment, kind),
/// each replaced whole by its newest event. A payment's events carry partial state (a capture says nothing of refunds,
/// a refund carries the running <c>TotalRefunded</c> but not the capture), so each kind is its own copy with its own
/// version: a redelivered event changes nothing, a refund that arrives before its capture is kept, and a late older
/// refund cannot lower the total. The profile's totals are the sums per currency.
/// </summary>
public sealed class PaymentAmountCopy : ICachedCopy
{
    public required Guid PaymentId { get; init; }

    public required PurchaseAmountKind Kind { get; init; }

    public required Guid CustomerId { get; init; }

    public required decimal Amount { get; set; }

    public required string Currency { get; set; }

    public required int SourceVersion { get; set; }
}

/// <summary>One use of a coupon (a redemption in Promotion, keyed by its aggregate id): applied, or given back.</summary>
public sealed class CouponUseCopy : ICachedCopy
{
    public required string RedemptionId { get; init; }

    public required Guid CustomerId { get; init; }

    public required string Code { get; set; }

    public required Guid OrderId { get; set; }

    public required bool Released { get; set; }

    public required DateTimeOffset UpdatedAt { get; set; }

    public required int SourceVersion { get; set; }
}

/// <summary>Keeps Customer's copies of Payment's cards and amounts and Promotion's coupon uses at their owners' newest state.</summary>
internal static class PurchaseCopies
{
    public static CommerceContextBuilder<CustomerDbContext> HandlePurchaseEvents(this CommerceContextBuilder<CustomerDbContext> context) => context
        // A card's events carry only what may be shown, and its fields never change after it is added: Removed (the
        // newer version) wins, and a removal arriving first leaves a removed copy the older add cannot revive.
        .HandleEvent<PaymentMethodAdded>("Payment", (e, db, ct) => db.ApplyAsync<SavedCardCopy>(
            c => c.PaymentMethodId == e.Event.PaymentMethodId,
            e.AggregateVersion,
            () => new SavedCardCopy
            {
                PaymentMethodId = e.Event.PaymentMethodId,
                CustomerId = e.Event.CustomerId,
                Brand = e.Event.Brand,
                Last4 = e.Event.Last4,
                ExpiryMonth = e.Event.ExpiryMonth,
                ExpiryYear = e.Event.ExpiryYear,
                Removed = false,
                SourceVersion = e.AggregateVersion,
            },
            s => s.SetProperty(c => c.Brand, e.Event.Brand).SetProperty(c => c.Last4, e.Event.Last4)
                .SetProperty(c => c.ExpiryMonth, e.Event.ExpiryMonth).SetProperty(c => c.ExpiryYear, e.Event.ExpiryYear)
                .SetProperty(c => c.Removed, false),
            ct))
        .HandleEvent<PaymentMethodRemoved>("Payment", (e, db, ct) => db.ApplyAsync<SavedCardCopy>(
            c => c.PaymentMethodId == e.Event.PaymentMethodId,
            e.AggregateVersion,
            () => new SavedCardCopy
            {
                PaymentMethodId = e.Event.PaymentMethodId,
                CustomerId = e.Event.CustomerId,
                Brand = "",
                Last4 = "",
                ExpiryMonth = 0,
                ExpiryYear = 0,
                Removed = true,
                SourceVersion = e.AggregateVersion,
            },
            s => s.SetProperty(c => c.Removed, true),
            ct))
        // Every version of a payment is handled (not only the newest): a capture must count even when a later
        // refund of the same payment arrived first. Each kind's row keeps its own newest version.
        .HandleEvent<PaymentCaptured>("Payment", (e, db, ct) => ApplyAmountAsync(
            db, e.Event.PaymentId, PurchaseAmountKind.Captured, e.Event.CustomerId, e.Event.Amount, e.Event.Currency, e.AggregateVersion, ct),
            ignoreStaleVersions: false)
        .HandleEvent<PaymentRefunded>("Payment", (e, db, ct) => ApplyAmountAsync(
            db, e.Event.PaymentId, PurchaseAmountKind.Refunded, e.Event.CustomerId, e.Event.TotalRefunded, e.Event.Currency, e.AggregateVersion, ct),
            ignoreStaleVersions: false)
        .HandleEvent<PromotionApplied>("Promotion", (e, db, ct) => ApplyCouponAsync(
            db, e, e.Event.CustomerId, e.Event.Code, e.Event.OrderId, released: false, ct))
        .HandleEvent<PromotionUseReleased>("Promotion", (e, db, ct) => ApplyCouponAsync(
            db, e, e.Event.CustomerId, e.Event.Code, e.Event.OrderId, released: true, ct))
        .ExpireCachedCopies<SavedCardCopy>("removed-card-copies", CachedCopies.TombstoneLifetime, c => c.Removed)
        .KeepCachedCopies<PaymentAmountCopy>("the customer's purchase totals, kept as long as the customer")
        .KeepCachedCopies<CouponUseCopy>("the customer's coupon history, kept as long as the customer");

    /// <summary>What Customer has heard from Payment and Promotion about <paramref name="customerId"/>: saved cards, purchase totals, coupons used.</summary>
    public static async Task<CustomerPurchases> PurchasesOfAsync(this CustomerDbContext db, Guid customerId, CancellationToken cancellationToken)
    {
        var cards = await db.SavedCards.AsNoTracking()
            .Where(c => c.CustomerId == customerId && !c.Removed)
            .OrderBy(c => c.PaymentMethodId)
            .Select(c => new SavedCardResponse(c.PaymentMethodId, c.Brand, c.Last4, c.ExpiryMonth, c.ExpiryYear))
            .ToListAsync(cancellationToken);
        var amounts = await db.PaymentAmounts.AsNoTracking()
            .Where(a => a.CustomerId == customerId)
            .GroupBy(a => new { a.Currency, a.Kind })
            .Select(g => new { g.Key.Currency, g.Key.Kind, Total = g.Sum(a => a.Amount) })
            .ToListAsync(cancellationToken);
        var totals = amounts.GroupBy(a => a.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new PurchaseTotalResponse(
                g.Key,
                g.Where(a => a.Kind == PurchaseAmountKind.Captured).Sum(a => a.Total),
                g.Where(a => a.Kind == PurchaseAmountKind.Refunded).Sum(a => a.Total)))
            .ToList();
        var coupons = await db.CouponUses.AsNoTracking()
            .Where(c => c.CustomerId == customerId)
            .OrderBy(c => c.UpdatedAt).ThenBy(c => c.RedemptionId)
            .Select(c => new CouponUseResponse(c.Code, c.OrderId, c.Released ? CouponUseStatus.Released : CouponUseStatus.Applied))
            .ToListAsync(cancellationToken);
        return new CustomerPurchases(cards, totals, coupons);
    }

    private static Task<bool> ApplyAmountAsync(
        CustomerDbContext db, Guid paymentId, PurchaseAmountKind kind, Guid customerId, decimal amount, string currency, int version, CancellationToken ct) =>
        db.ApplyAsync<PaymentAmountCopy>(
            a => a.PaymentId == paymentId && a.Kind == kind,
            version,
            () => new PaymentAmountCopy
            {
                PaymentId = paymentId,
                Kind = kind,
                CustomerId = customerId,
                Amount = amount,
                Currency = currency,
                SourceVersion = version,
            },
            s => s.SetProperty(a => a.Amount, amount).SetProperty(a => a.Currency, currency),
            ct);

    private static Task<bool> ApplyCouponAsync<TEvent>(
        CustomerDbContext db, IncomingEvent<TEvent> incoming, Guid customerId, string code, Guid orderId, bool released, CancellationToken ct)
    {
        var key = incoming.AggregateId;
        var at = incoming.OccurredAt;
        return db.ApplyAsync<CouponUseCopy>(
            c => c.RedemptionId == key,
            incoming.AggregateVersion,
            () => new CouponUseCopy
            {
                RedemptionId = key,
                CustomerId = customerId,
                Code = code,
                OrderId = orderId,
                Released = released,
                UpdatedAt = at,
                SourceVersion = incoming.AggregateVersion,
            },
            s => s.SetProperty(c => c.Code, code).SetProperty(c => c.OrderId, orderId).SetProperty(c => c.Released, released)
                .SetProperty(c => c.UpdatedAt, at),
            ct);
    }
}

internal sealed record CustomerPurchases(
    IReadOnlyList<SavedCardResponse> Cards, IReadOnlyList<PurchaseTotalResponse> Totals, IReadOnlyList<CouponUseResponse> Coupons);
