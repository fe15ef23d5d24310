using System.Net;
using Commerce.Pricing.Contracts;
using Commerce.Promotion.Contracts;
using Commerce.ServiceDefaults;
using Commerce.Testing;
using Microsoft.AspNetCore.Mvc;
using Refit;

namespace Commerce.Pricing.Tests;

/// <summary>
/// Pricing with the real Promotion co-hosted: coupons are checked by Promotion's ValidateCoupon, automatic promotions
/// arrive as Promotion's own PromotionActivated and PromotionExpired events.
/// </summary>
public sealed class CouponTests(PricingWithPromotion system) : IClassFixture<PricingWithPromotion>
{
    private IPromotionApi Promotions => RestService.For<IPromotionApi>(system.Operator,
        new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    [Fact]
    public async Task Quote_WithACoupon_AppliesItsPromotionLast_AndKeepsTheCodeUpperCase()
    {
        const string currency = "NZD";
        var product = await system.ProductAsync(40.00m, currency);
        var (customer, client) = await system.CustomerAsync();
        await system.RuleAsync(new PricingRuleRequest(PricingRuleKind.QuantityTier, "Pair", ProductId: product.Id, MinimumQuantity: 2, Percent: 10m));
        var code = await CouponAsync(new PromotionTerms(DiscountKind.Percentage, 15m, currency, PromotionScope.Products, ProductIds: [product.Id]));
        var before = await system.QuoteCountAsync();

        using var response = await system.PostQuoteAsync(client, customer, code.ToLowerInvariant(), (product.Id, 2));
        var quote = await PricingSystem.ReadAsync<QuoteResponse>(response, HttpStatusCode.Created);

        // 80.00 − 10 % (8.00) = 72.00 − 15 % (10.80) = 61.20.
        Assert.Equal([8.00m, 10.80m], quote.Lines[0].Adjustments.Select(a => a.Amount));
        Assert.Equal((AdjustmentSource.Promotion, 61.20m, code), (quote.Lines[0].Adjustments[1].Source, quote.Total, quote.CouponCode));
        Assert.Equal(code, Assert.Single(quote.Promotions).CouponCode);
        Assert.Equal(before + 1, await system.QuoteCountAsync());
        PricingSystem.AssertAddsUp(quote);
    }

    [Fact]
    public async Task Quote_WithAnOrderScopeFixedCoupon_TakesItOffTheSubtotal()
    {
        const string currency = "SEK";
        var product = await system.ProductAsync(12.00m, currency);
        var (customer, _) = await system.CustomerAsync();
        var code = await CouponAsync(new PromotionTerms(DiscountKind.FixedAmount, 5.00m, currency, PromotionScope.Order));

        using var response = await system.PostQuoteAsync(system.Operator, customer, code, (product.Id, 3));
        var quote = await PricingSystem.ReadAsync<QuoteResponse>(response, HttpStatusCode.Created);

        Assert.Equal((36.00m, 5.00m, 31.00m), (quote.Subtotal, quote.OrderAdjustments.Single().Amount, quote.Total));
        PricingSystem.AssertAddsUp(quote);
    }

    [Fact]
    public async Task Quote_WithAnUnknownCoupon_Is422WithPromotionsReason_AndStoresNothing()
    {
        var product = await system.ProductAsync(12.00m);
        var (customer, client) = await system.CustomerAsync();
        var before = await system.QuoteCountAsync();

        using var response = await system.PostQuoteAsync(client, customer, "NO-SUCH-CODE", (product.Id, 1));

        var problem = await PricingSystem.ReadAsync<ProblemDetails>(response, HttpStatusCode.UnprocessableEntity);
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail));
        Assert.Equal(before, await system.QuoteCountAsync());
    }

    [Fact]
    public async Task AutomaticPromotion_FromPromotion_AppliesOnceActivated_AndStopsOnceDeactivated()
    {
        const string currency = "DKK";
        var product = await system.ProductAsync(20.00m, currency);
        var (customer, _) = await system.CustomerAsync();
        var now = system.Clock.GetUtcNow();
        var promotion = await Promotions.CreatePromotionAsync(new CreatePromotionRequest("Autumn", new PromotionTerms(DiscountKind.FixedAmount, 2.00m,
            currency, PromotionScope.Products, ProductIds: [product.Id]), now.AddMinutes(-1), now.AddDays(1), RequiresCoupon: false));
        await Poll.UntilAsync(async () => await system.Sql.CountAsync("pricing.promotions", "promotion_id = $1 AND active", promotion.Id) == 1);

        var during = await system.QuoteAsync(customer, (product.Id, 2));
        var deactivated = await Promotions.DeactivateAsync(promotion.Id);
        await Poll.UntilAsync(async () => await system.Sql.CountAsync("pricing.promotions", "promotion_id = $1 AND NOT active", promotion.Id) == 1);
        var after = await system.QuoteAsync(customer, (product.Id, 2));

        Assert.Equal((4.00m, 36.00m), (during.Lines[0].LineDiscount, during.Total));
        Assert.Equal(PromotionStatus.Deactivated, deactivated.Status);
        Assert.Equal(40.00m, after.Total);
    }

    private async Task<string> CouponAsync(PromotionTerms terms)
    {
        var now = system.Clock.GetUtcNow();
        var promotion = await Promotions.CreatePromotionAsync(new CreatePromotionRequest($"Coupon {Guid.NewGuid():N}"[..20], terms,
            now.AddMinutes(-1), now.AddDays(1), RequiresCoupon: true));
        var code = $"C{Guid.NewGuid():N}"[..12].ToUpperInvariant();
        await Promotions.CreateCouponAsync(promotion.Id, new CreateCouponRequest(code, UsageLimit: 100));
        return code;
    }
}
