using Commerce.Customer.Contracts;
using Commerce.Pricing.Contracts;
using Commerce.Promotion.Contracts;

namespace Commerce.Pricing.Quotes;

/// <summary>A promotion a quote may apply: an automatic one in force, or the one a validated coupon names.</summary>
internal sealed record QuotePromotion(Guid Id, string Name, PromotionTerms Terms, string? CouponCode);

/// <summary>A line priced through the rules (steps 1–3), before promotions.</summary>
internal sealed class PricedLine(CachedProduct product, int quantity, decimal unitPrice)
{
    public CachedProduct Product { get; } = product;

    public int Quantity { get; } = quantity;

    public decimal UnitPrice { get; } = unitPrice;

    public decimal Gross { get; } = QuoteCalculator.Cents(unitPrice * quantity);

    public List<PriceAdjustment> Adjustments { get; } = [];

    /// <summary>What the line costs after the adjustments so far.</summary>
    public decimal Remaining { get; set; }

    public void Take(AdjustmentSource source, Guid sourceId, string description, decimal amount)
    {
        // Zero-amount adjustments say nothing to the customer: they are left out.
        if (amount <= 0)
        {
            return;
        }

        Adjustments.Add(new PriceAdjustment(source, sourceId, description, amount));
        Remaining -= amount;
    }
}

/// <summary>
/// The price of a quote, in a fixed order and in decimal, rounded to cents half away from zero at every step:
/// unit price (sale price or base), quantity tier, membership discount, product/category promotions, then
/// order promotions on the subtotal. Pure: everything it needs is given, so the same inputs give the same quote.
/// </summary>
internal static class QuoteCalculator
{
    public static decimal Cents(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);

    public static bool InForce(PricingRule rule, DateTimeOffset now) =>
        !rule.Retired && (rule.StartsAt is null || rule.StartsAt <= now) && (rule.EndsAt is null || now < rule.EndsAt);

    /// <summary>Steps 1–3: unit price, quantity tier, membership discount.</summary>
    public static List<PricedLine> PriceLines(
        IReadOnlyList<(CachedProduct Product, int Quantity)> lines, MembershipLevel membership, IReadOnlyList<PricingRule> rules, DateTimeOffset now)
    {
        var inForce = rules.Where(r => InForce(r, now)).ToList();
        var priced = new List<PricedLine>(lines.Count);
        foreach (var (product, quantity) in lines)
        {
            // The lowest sale price in force in the product's currency, else the base price.
            var unitPrice = inForce
                .Where(r => r.Kind == PricingRuleKind.SalePrice && r.ProductId == product.ProductId && r.Currency == product.Currency)
                .Select(r => r.SalePrice!.Value)
                .DefaultIfEmpty(product.Price)
                .Min();
            var line = new PricedLine(product, quantity, unitPrice);
            line.Remaining = line.Gross;

            var tier = inForce
                .Where(r => r.Kind == PricingRuleKind.QuantityTier && r.MinimumQuantity <= quantity && TierCovers(r, product))
                .OrderByDescending(r => r.Percent).ThenBy(r => r.Id)
                .FirstOrDefault();
            if (tier is not null)
            {
                line.Take(AdjustmentSource.PricingRule, tier.Id, $"{tier.Name} ({tier.Percent:0.##}% off {tier.MinimumQuantity} or more)",
                    Cents(line.Remaining * tier.Percent!.Value / 100m));
            }

            var level = membership.ToString();
            var member = inForce
                .Where(r => r.Kind == PricingRuleKind.MembershipDiscount && r.Membership == level)
                .OrderByDescending(r => r.Percent).ThenBy(r => r.Id)
                .FirstOrDefault();
            if (member is not null)
            {
                line.Take(AdjustmentSource.PricingRule, member.Id, $"{member.Name} ({level} members, {member.Percent:0.##}% off)",
                    Cents(line.Remaining * member.Percent!.Value / 100m));
            }

            priced.Add(line);
        }

        return priced;
    }

    /// <summary>Steps 4–5: product/category promotions per line, then order promotions on the subtotal.</summary>
    /// <param name="promotions">Automatic ones first (by StartsAt, then id), then the coupon's.</param>
    public static QuoteTotals ApplyPromotions(
        IReadOnlyList<PricedLine> lines, string currency, MembershipLevel membership, IReadOnlyList<QuotePromotion> promotions)
    {
        // Eligibility is judged on the lines' totals after their own rules, before any promotion.
        var basis = lines.Sum(l => l.Remaining);
        var eligible = promotions.Where(p => Qualifies(p.Terms, currency, membership, basis)).ToList();
        var discounts = new Dictionary<Guid, decimal>();

        foreach (var promotion in eligible.Where(p => p.Terms.Scope != PromotionScope.Order))
        {
            foreach (var line in lines.Where(l => PromotionCovers(promotion.Terms, l.Product)))
            {
                var amount = promotion.Terms.Kind == DiscountKind.Percentage
                    ? Cents(line.Remaining * promotion.Terms.Value / 100m)
                    : Cents(promotion.Terms.Value * line.Quantity);
                amount = Math.Min(amount, line.Remaining);
                line.Take(AdjustmentSource.Promotion, promotion.Id, Describe(promotion), amount);
                Add(discounts, promotion.Id, amount);
            }
        }

        var quoteLines = lines.Select(l =>
        {
            var discount = l.Adjustments.Sum(a => a.Amount);
            return new QuoteLine(l.Product.ProductId, l.Product.Sku, l.Product.Name, l.Product.Category, l.Quantity, l.Product.Price,
                l.UnitPrice, [.. l.Adjustments], discount, l.UnitPrice * l.Quantity - discount);
        }).ToList();

        var subtotal = quoteLines.Sum(l => l.LineTotal);
        var remaining = subtotal;
        var orderAdjustments = new List<PriceAdjustment>();
        foreach (var promotion in eligible.Where(p => p.Terms.Scope == PromotionScope.Order))
        {
            var amount = promotion.Terms.Kind == DiscountKind.Percentage
                ? Cents(remaining * promotion.Terms.Value / 100m)
                : Cents(promotion.Terms.Value);
            amount = Math.Min(amount, remaining);
            if (amount <= 0)
            {
                continue;
            }

            orderAdjustments.Add(new PriceAdjustment(AdjustmentSource.Promotion, promotion.Id, Describe(promotion), amount));
            remaining -= amount;
            Add(discounts, promotion.Id, amount);
        }

        var applied = eligible.Where(p => discounts.GetValueOrDefault(p.Id) > 0)
            .Select(p => new AppliedPromotion(p.Id, p.Name, p.CouponCode, discounts[p.Id]))
            .ToList();
        return new QuoteTotals(quoteLines, subtotal, orderAdjustments, Math.Max(remaining, 0m), applied);
    }

    private static bool TierCovers(PricingRule tier, CachedProduct product) =>
        tier.ProductId is { } id ? id == product.ProductId
        : tier.Category is { } category ? string.Equals(category, product.Category, StringComparison.OrdinalIgnoreCase)
        : true;

    private static bool PromotionCovers(PromotionTerms terms, CachedProduct product) => terms.Scope switch
    {
        PromotionScope.Products => terms.ProductIds?.Contains(product.ProductId) == true,
        PromotionScope.Categories => terms.Categories?.Any(c => string.Equals(c, product.Category, StringComparison.OrdinalIgnoreCase)) == true,
        _ => false,
    };

    /// <summary>Same currency, membership at least the minimum (an unknown level qualifies no one), basis at least the minimum total.</summary>
    private static bool Qualifies(PromotionTerms terms, string currency, MembershipLevel membership, decimal basis) =>
        terms.Value > 0
        && terms.Currency == currency
        && (terms.MinimumMembership is null
            || (Enum.GetNames<MembershipLevel>().Contains(terms.MinimumMembership, StringComparer.OrdinalIgnoreCase)
                && membership >= Enum.Parse<MembershipLevel>(terms.MinimumMembership, ignoreCase: true)))
        && (terms.MinimumOrderTotal is null || basis >= terms.MinimumOrderTotal);

    private static string Describe(QuotePromotion promotion) =>
        promotion.CouponCode is null ? promotion.Name : $"{promotion.Name} (coupon {promotion.CouponCode})";

    private static void Add(Dictionary<Guid, decimal> discounts, Guid id, decimal amount) =>
        discounts[id] = discounts.GetValueOrDefault(id) + amount;
}

internal sealed record QuoteTotals(
    IReadOnlyList<QuoteLine> Lines, decimal Subtotal, IReadOnlyList<PriceAdjustment> OrderAdjustments, decimal Total, IReadOnlyList<AppliedPromotion> Promotions);
