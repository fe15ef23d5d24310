using System.Net;
using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Pricing.Contracts;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults;
using Commerce.Testing;

namespace Commerce.Pricing.Tests;

/// <summary>How a quote prices its lines: base and sale prices, quantity tiers, membership discounts, rounding.</summary>
public sealed class QuoteTests(PricingSystem system) : IClassFixture<PricingSystem>
{
    [Fact]
    public async Task Quote_BasePrice_IsPriceTimesQuantity_AndGetReturnsItUnchanged()
    {
        var product = await system.ProductAsync(12.50m);
        var (customer, client) = await system.CustomerAsync();

        using var response = await system.PostQuoteAsync(client, customer, null, (product.Id, 3));
        var quote = await PricingSystem.ReadAsync<QuoteResponse>(response, HttpStatusCode.Created);

        var line = Assert.Single(quote.Lines);
        Assert.Equal((product.Sku, "Kitchen", 3, 12.50m, 12.50m, 0m, 37.50m), (line.Sku, line.Category, line.Quantity, line.BasePrice, line.UnitPrice, line.LineDiscount, line.LineTotal));
        Assert.Equal(("USD", 37.50m, 37.50m, customer), (quote.Currency, quote.Subtotal, quote.Total, quote.CustomerId));
        Assert.Empty(line.Adjustments);
        Assert.InRange(system.Clock.GetUtcNow() - quote.CreatedAt, TimeSpan.Zero, TimeSpan.FromTicks(9));
        Assert.Equal(quote.CreatedAt.AddMinutes(30), quote.ExpiresAt);
        Assert.Equal($"/pricing/quotes/{quote.QuoteId}", response.Headers.Location?.OriginalString);
        var again = await client.GetFromJsonAsync<QuoteResponse>($"/pricing/quotes/{quote.QuoteId}", CommerceJson.Options);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(quote, CommerceJson.Options), System.Text.Json.JsonSerializer.Serialize(again, CommerceJson.Options));
    }

    [Fact]
    public async Task Quote_AfterProductPriceChange_UsesTheNewPrice_AndAnEarlierQuoteKeepsItsOwn()
    {
        var product = await system.ProductAsync(20.00m);
        var (customer, _) = await system.CustomerAsync();
        var before = await system.QuoteAsync(customer, (product.Id, 2));

        var changed = await PricingSystem.SendAsync<ProductResponse>(system.Operator, HttpMethod.Put, $"/products/{product.Id}/price",
            new ChangePriceRequest(17.25m, "USD"), HttpStatusCode.OK);
        await system.CachedAsync(product.Id, changed.Version);
        var after = await system.QuoteAsync(customer, (product.Id, 2));

        Assert.Equal((20.00m, 40.00m), (before.Lines[0].UnitPrice, before.Total));
        Assert.Equal((17.25m, 17.25m, 34.50m), (after.Lines[0].BasePrice, after.Lines[0].UnitPrice, after.Total));
        var stored = await system.Operator.GetFromJsonAsync<QuoteResponse>($"/pricing/quotes/{before.QuoteId}", CommerceJson.Options);
        Assert.Equal(40.00m, stored!.Total);
    }

    [Fact]
    public async Task Quote_SalePrice_AppliesOnlyInsideItsWindow_AndTheLowestOfSeveralWins()
    {
        var product = await system.ProductAsync(30.00m);
        var (customer, _) = await system.CustomerAsync();
        var now = system.Clock.GetUtcNow();
        await system.RuleAsync(new PricingRuleRequest(PricingRuleKind.SalePrice, "Winter sale", ProductId: product.Id, SalePrice: 24.99m,
            Currency: "USD", StartsAt: now.AddMinutes(10), EndsAt: now.AddMinutes(20)));
        await system.RuleAsync(new PricingRuleRequest(PricingRuleKind.SalePrice, "Flash sale", ProductId: product.Id, SalePrice: 22.00m,
            Currency: "USD", StartsAt: now.AddMinutes(15), EndsAt: now.AddMinutes(16)));
        // Another currency's sale price never applies to a USD product.
        await system.RuleAsync(new PricingRuleRequest(PricingRuleKind.SalePrice, "Euro sale", ProductId: product.Id, SalePrice: 1.00m,
            Currency: "EUR", StartsAt: now, EndsAt: now.AddMinutes(30)));

        var early = await system.QuoteAsync(customer, (product.Id, 2));
        system.Clock.Advance(TimeSpan.FromMinutes(10));
        var opening = await system.QuoteAsync(customer, (product.Id, 2));
        system.Clock.Advance(TimeSpan.FromMinutes(5));
        var flash = await system.QuoteAsync(customer, (product.Id, 2));
        system.Clock.Advance(TimeSpan.FromMinutes(5));
        var closed = await system.QuoteAsync(customer, (product.Id, 2));

        Assert.Equal((30.00m, 60.00m), (early.Lines[0].UnitPrice, early.Total));
        Assert.Equal((30.00m, 24.99m, 49.98m), (opening.Lines[0].BasePrice, opening.Lines[0].UnitPrice, opening.Total));
        Assert.Equal((22.00m, 44.00m), (flash.Lines[0].UnitPrice, flash.Total));
        Assert.Equal((30.00m, 60.00m), (closed.Lines[0].UnitPrice, closed.Total));
        Assert.All([early, opening, flash, closed], PricingSystem.AssertAddsUp);
    }

    [Fact]
    public async Task Quote_QuantityTiers_ApplyFromTheirMinimum_TheBestOneWins()
    {
        var category = $"Cups-{Guid.NewGuid():N}";
        var product = await system.ProductAsync(10.00m, category: category);
        var (customer, _) = await system.CustomerAsync();
        var five = await system.RuleAsync(new PricingRuleRequest(PricingRuleKind.QuantityTier, "Five or more", ProductId: product.Id,
            MinimumQuantity: 5, Percent: 5m));
        var ten = await system.RuleAsync(new PricingRuleRequest(PricingRuleKind.QuantityTier, "Ten or more", Category: category.ToUpperInvariant(),
            MinimumQuantity: 10, Percent: 12.5m));

        var quotes = new Dictionary<int, QuoteResponse>();
        foreach (var quantity in new[] { 4, 5, 9, 10, 11 })
        {
            quotes[quantity] = await system.QuoteAsync(customer, (product.Id, quantity));
        }

        Assert.Equal(40.00m, quotes[4].Total);
        Assert.Empty(quotes[4].Lines[0].Adjustments);
        Assert.Equal((2.50m, 47.50m), (quotes[5].Lines[0].LineDiscount, quotes[5].Total));
        Assert.Equal(five.Id, quotes[5].Lines[0].Adjustments.Single().SourceId);
        Assert.Equal((4.50m, 85.50m), (quotes[9].Lines[0].LineDiscount, quotes[9].Total));
        Assert.Equal((12.50m, 87.50m), (quotes[10].Lines[0].LineDiscount, quotes[10].Total));
        Assert.Equal((AdjustmentSource.PricingRule, ten.Id), (quotes[10].Lines[0].Adjustments.Single().Source, quotes[10].Lines[0].Adjustments.Single().SourceId));
        Assert.Equal((13.75m, 96.25m), (quotes[11].Lines[0].LineDiscount, quotes[11].Total));
        Assert.All(quotes.Values, PricingSystem.AssertAddsUp);
    }

    [Fact]
    public async Task Quote_MembershipDiscount_AppliesOnceCustomerMembershipUpgradedArrives()
    {
        var product = await system.ProductAsync(80.00m);
        var (customer, client) = await system.CustomerAsync();
        var gold = await system.RuleAsync(new PricingRuleRequest(PricingRuleKind.MembershipDiscount, "Gold members", Membership: "gold", Percent: 10m));
        await system.RuleAsync(new PricingRuleRequest(PricingRuleKind.MembershipDiscount, "Gold members, small", Membership: "Gold", Percent: 2m));
        var standard = await system.QuoteAsync(customer, (product.Id, 1));

        await PricingSystem.SendAsync<CustomerResponse>(system.Operator, HttpMethod.Post, $"/customers/{customer}/membership",
            new UpgradeMembershipRequest(MembershipLevel.Gold), HttpStatusCode.OK);
        await Poll.UntilAsync(async () => await system.Sql.CountAsync("pricing.customer_memberships", "customer_id = $1 AND membership = 'Gold'", customer) == 1);
        using var response = await system.PostQuoteAsync(client, customer, null, (product.Id, 1));
        var upgraded = await PricingSystem.ReadAsync<QuoteResponse>(response, HttpStatusCode.Created);

        Assert.Equal(80.00m, standard.Total);
        var adjustment = Assert.Single(upgraded.Lines[0].Adjustments);
        Assert.Equal((AdjustmentSource.PricingRule, gold.Id, 8.00m), (adjustment.Source, adjustment.SourceId, adjustment.Amount));
        Assert.Equal(72.00m, upgraded.Total);
        Assert.Equal("Gold", gold.Membership);
    }

    [Fact]
    public async Task Quote_Rounding_IsToCentsHalfAwayFromZeroAtEveryStep()
    {
        // 3 × 0.99 = 2.97; 15 % of it is 0.4455 → 0.45; the line costs 2.52.
        var cup = await system.ProductAsync(0.99m);
        await system.RuleAsync(new PricingRuleRequest(PricingRuleKind.QuantityTier, "Three cups", ProductId: cup.Id, MinimumQuantity: 3, Percent: 15m));
        // 2 × 0.65 = 1.30 at 25 % is 0.325 → 0.33 (half away from zero, not to even); 7 × 0.35 = 2.45 at 15 % is 0.3675 → 0.37.
        var spoon = await system.ProductAsync(0.65m);
        await system.RuleAsync(new PricingRuleRequest(PricingRuleKind.QuantityTier, "Two spoons", ProductId: spoon.Id, MinimumQuantity: 2, Percent: 25m));
        var saucer = await system.ProductAsync(0.35m);
        await system.RuleAsync(new PricingRuleRequest(PricingRuleKind.QuantityTier, "Saucers", ProductId: saucer.Id, MinimumQuantity: 7, Percent: 15m));
        var (customer, _) = await system.CustomerAsync();

        var quote = await system.QuoteAsync(customer, (cup.Id, 3), (spoon.Id, 2), (saucer.Id, 7));

        Assert.Equal([(0.45m, 2.52m), (0.33m, 0.97m), (0.37m, 2.08m)], quote.Lines.Select(l => (l.LineDiscount, l.LineTotal)));
        Assert.Equal((5.57m, 5.57m), (quote.Subtotal, quote.Total));
        PricingSystem.AssertAddsUp(quote);
    }

    [Fact]
    public async Task Quote_ProductMissingFromTheCache_IsAskedOfProductOnce_AndCached()
    {
        var product = await system.ProductAsync(5.00m);
        await system.Sql.ScalarAsync<int>("DELETE FROM pricing.cached_products WHERE product_id = $1 RETURNING 1", product.Id);
        var (customer, _) = await system.CustomerAsync();

        var quote = await system.QuoteAsync(customer, (product.Id, 4));

        Assert.Equal((product.Sku, 20.00m), (quote.Lines[0].Sku, quote.Total));
        Assert.Equal(1, await system.Sql.CountAsync("pricing.cached_products", "product_id = $1", product.Id));
    }

    [Fact]
    public async Task GetQuote_AsTheOrderAndShoppingCartServices_ReadsAnyCustomersQuote()
    {
        var product = await system.ProductAsync(3.00m);
        var (customer, _) = await system.CustomerAsync();
        var quote = await system.QuoteAsync(customer, (product.Id, 1));

        foreach (var service in new[] { "order", "shoppingcart" })
        {
            var client = await system.Host.ClientAsAsync(service);
            var read = await client.GetFromJsonAsync<QuoteResponse>($"/pricing/quotes/{quote.QuoteId}", CommerceJson.Options);
            Assert.Equal((quote.QuoteId, 3.00m), (read!.QuoteId, read.Total));
        }
    }
}
