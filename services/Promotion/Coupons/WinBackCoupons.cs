using System.Security.Cryptography;
using Commerce.Promotion.Contracts;
using Commerce.ShoppingCart.Contracts;

namespace Commerce.Promotion.Coupons;

/// <summary>Win-back offers, bound from Promotion:WinBack.</summary>
public sealed class WinBackOptions
{
    /// <summary>Off unless turned on: a shop decides to send discounts to those who leave carts.</summary>
    public bool Enabled { get; set; }

    /// <summary>The promotion (requiring a coupon) whose personal codes are issued.</summary>
    public Guid? PromotionId { get; set; }
}

/// <summary>
/// CartAbandoned → a personal single-use code of the configured win-back promotion for that customer, once per cart
/// (the coupon remembers its cart; a unique index backs it), announced with CouponIssued so Notification tells them.
/// </summary>
internal static class WinBackCoupons
{
    // No 0/O, 1/I/L: the code is read off an email and typed back (GetItems picks each uniformly).
    private const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    public static async Task CartAbandonedAsync(IncomingEvent<CartAbandoned> incoming, PromotionDbContext db, CancellationToken cancellationToken)
    {
        var options = incoming.Services.GetRequiredService<IOptions<WinBackOptions>>().Value;
        var logger = incoming.Services.GetRequiredService<ILogger<WinBackOptions>>();
        if (!options.Enabled || options.PromotionId is not { } promotionId)
        {
            return;
        }

        var e = incoming.Event;
        var now = incoming.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var campaign = await db.Promotions.AsNoTracking().FirstOrDefaultAsync(p => p.Id == promotionId, cancellationToken);
        if (campaign is null || !campaign.RequiresCoupon || !campaign.IsLiveAt(now))
        {
            logger.LogWarning("Win-back promotion {PromotionId} is missing, automatic or not live; no coupon for cart {CartId}", promotionId, e.CartId);
            return;
        }

        if (await db.Coupons.AnyAsync(c => c.SourceCartId == e.CartId, cancellationToken))
        {
            return;
        }

        var code = "WB-" + new string(RandomNumberGenerator.GetItems<char>(Alphabet, 10));
        var request = new CreateCouponRequest(code, UsageLimit: 1, PerCustomerLimit: 1, CustomerId: e.CustomerId);
        // The inbox saves it with the processed event id; a code collision (one in 31^10) fails that save and the
        // delivery is retried with a new code.
        await CouponEndpoints.IssueAsync(db, campaign, request, now, e.CartId, cancellationToken, save: false);
        logger.LogInformation("Issued a win-back coupon of promotion {PromotionId} for cart {CartId}", promotionId, e.CartId);
    }
}
