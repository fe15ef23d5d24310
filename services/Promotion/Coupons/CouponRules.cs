using System.Text.RegularExpressions;
using Commerce.Customer.Contracts;
using Commerce.Promotion.Contracts;
using Commerce.Rules;

namespace Commerce.Promotion.Coupons;

/// <summary>The coupon code's form and the checks a validation and a claim share.</summary>
internal static partial class CouponRules
{
    /// <summary>The one answer for an unknown code and for someone else's personal code, so neither can be probed.</summary>
    public const string Unknown = "No usable coupon with this code.";

    [GeneratedRegex("^[A-Za-z0-9_-]{3,32}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]*$")]
    private static partial Regex KeyPattern();

    /// <summary>The stored form: trimmed and upper-case.</summary>
    public static string Normalize(string code) => code.Trim().ToUpperInvariant();

    /// <summary>3 to 32 letters, digits, '-' or '_', and not a card number; the value is never echoed.</summary>
    public static ValidationErrors CouponCode(this ValidationErrors errors, string? code, string field)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return errors.Add(field, "Required.");
        }

        var trimmed = code.Trim();
        if (!CodePattern().IsMatch(trimmed))
        {
            return errors.Add(field, "3 to 32 letters, digits, '-' or '_'.");
        }

        return errors.Check(!CardNumbers.Contains(trimmed), field, "Must not be a card number.");
    }

    /// <summary>An idempotency key: a letter or digit, then letters, digits, '.', '_', ':' or '-'.</summary>
    public static ValidationErrors IdempotencyKey(this ValidationErrors errors, string? key, string field)
    {
        errors.Text(key, field, PromotionLimits.Key);
        return string.IsNullOrWhiteSpace(key) || key.Length > PromotionLimits.Key
            ? errors
            : errors.Check(KeyPattern().IsMatch(key), field, "Letters, digits, '.', '_', ':' and '-' only.");
    }

    /// <summary>An amount as stored: at least 0, whole cents, below <see cref="Amounts.Limit"/>.</summary>
    public static bool IsAmountOrZero(decimal value) => value == 0 || Amounts.IsValid(value);

    public static async Task<MembershipLevel> TierOfAsync(PromotionDbContext db, Guid customerId, CancellationToken cancellationToken)
    {
        var cached = await db.CustomerTiers.AsNoTracking().Where(t => t.CustomerId == customerId).Select(t => t.Membership)
            .FirstOrDefaultAsync(cancellationToken);
        return Enum.TryParse<MembershipLevel>(cached, out var level) ? level : MembershipLevel.Standard;
    }

    public static Task<int> ClaimedByAsync(PromotionDbContext db, string code, Guid customerId, CancellationToken cancellationToken) =>
        db.Redemptions.CountAsync(
            r => r.Code == code && r.CustomerId == customerId && r.Status == RedemptionStatus.Claimed, cancellationToken);

    /// <summary>
    /// Why <paramref name="customerId"/> may not use <paramref name="coupon"/> now, before its counts are looked at:
    /// personal to someone else, promotion not live at <paramref name="now"/>, membership too low, other currency.
    /// Null when nothing stands in the way.
    /// </summary>
    public static string? Refusal(Coupon coupon, Campaign campaign, Guid customerId, MembershipLevel tier, string currency, DateTimeOffset now)
    {
        if (coupon.CustomerId is { } owner && owner != customerId)
        {
            return Unknown;
        }

        if (!campaign.IsLiveAt(now))
        {
            return campaign.Status switch
            {
                PromotionStatus.Deactivated => "The promotion of this coupon was deactivated.",
                _ when now < campaign.StartsAt => $"The promotion of this coupon starts at {campaign.StartsAt:O}.",
                _ => $"The promotion of this coupon ended at {campaign.EndsAt:O}.",
            };
        }

        if (campaign.MinimumMembership is { } minimum && Enum.TryParse<MembershipLevel>(minimum, out var required) && tier < required)
        {
            return $"This coupon is for {required} members and above.";
        }

        return currency == campaign.Currency ? null : $"This coupon applies to {campaign.Currency} orders only.";
    }

    /// <summary>Why the coupon's uses are exhausted, overall or for this customer; null while one is left.</summary>
    public static string? LimitRefusal(Coupon coupon, int usedByCustomer)
    {
        if (coupon.UsageLimit is { } limit && coupon.Used >= limit)
        {
            return "This coupon has been used up.";
        }

        return usedByCustomer >= coupon.PerCustomerLimit
            ? $"This coupon may be used {coupon.PerCustomerLimit} time(s) per customer, and that many uses are claimed."
            : null;
    }

    public static ProblemHttpResult NotUsable(string reason) => Problems.Unprocessable(reason, "Coupon not usable");
}
