using System.Net;
using System.Net.Http.Json;
using Commerce.Pricing.Contracts;
using Commerce.ServiceDefaults;
using Microsoft.AspNetCore.Mvc;

namespace Commerce.Pricing.Tests;

/// <summary>Operators' pricing rules: create, list, read, retire (If-Match), and what each kind must and must not say.</summary>
public sealed class RuleTests(PricingSystem system) : IClassFixture<PricingSystem>
{
    private static readonly DateTimeOffset Start = new(2031, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string, string> InvalidRules { get; } = new()
    {
        { "sale without product", """{"kind":"SalePrice","name":"Sale","salePrice":5,"currency":"USD","startsAt":"2031-01-01T00:00:00Z","endsAt":"2031-02-01T00:00:00Z"}""", "productId" },
        { "sale price zero", """{"kind":"SalePrice","name":"Sale","productId":"{product}","salePrice":0,"currency":"USD","startsAt":"2031-01-01T00:00:00Z","endsAt":"2031-02-01T00:00:00Z"}""", "salePrice" },
        { "sale price three decimals", """{"kind":"SalePrice","name":"Sale","productId":"{product}","salePrice":1.005,"currency":"USD","startsAt":"2031-01-01T00:00:00Z","endsAt":"2031-02-01T00:00:00Z"}""", "salePrice" },
        { "sale lower-case currency", """{"kind":"SalePrice","name":"Sale","productId":"{product}","salePrice":5,"currency":"usd","startsAt":"2031-01-01T00:00:00Z","endsAt":"2031-02-01T00:00:00Z"}""", "currency" },
        { "sale ends before it starts", """{"kind":"SalePrice","name":"Sale","productId":"{product}","salePrice":5,"currency":"USD","startsAt":"2031-02-01T00:00:00Z","endsAt":"2031-01-01T00:00:00Z"}""", "endsAt" },
        { "sale without window", """{"kind":"SalePrice","name":"Sale","productId":"{product}","salePrice":5,"currency":"USD"}""", "startsAt" },
        { "sale with a percent", """{"kind":"SalePrice","name":"Sale","productId":"{product}","salePrice":5,"currency":"USD","percent":10,"startsAt":"2031-01-01T00:00:00Z","endsAt":"2031-02-01T00:00:00Z"}""", "percent" },
        { "tier of one", """{"kind":"QuantityTier","name":"Tier","minimumQuantity":1,"percent":10}""", "minimumQuantity" },
        { "tier without minimum", """{"kind":"QuantityTier","name":"Tier","percent":10}""", "minimumQuantity" },
        { "tier at 100 percent", """{"kind":"QuantityTier","name":"Tier","minimumQuantity":2,"percent":100}""", "percent" },
        { "tier at 0 percent", """{"kind":"QuantityTier","name":"Tier","minimumQuantity":2,"percent":0}""", "percent" },
        { "tier product and category", """{"kind":"QuantityTier","name":"Tier","minimumQuantity":2,"percent":10,"productId":"{product}","category":"Kitchen"}""", "category" },
        { "tier with a currency", """{"kind":"QuantityTier","name":"Tier","minimumQuantity":2,"percent":10,"currency":"USD"}""", "currency" },
        { "membership unknown level", """{"kind":"MembershipDiscount","name":"Members","membership":"Diamond","percent":10}""", "membership" },
        { "membership level as a number", """{"kind":"MembershipDiscount","name":"Members","membership":"2","percent":10}""", "membership" },
        { "membership with a product", """{"kind":"MembershipDiscount","name":"Members","membership":"Gold","percent":10,"productId":"{product}"}""", "productId" },
        { "membership negative percent", """{"kind":"MembershipDiscount","name":"Members","membership":"Gold","percent":-5}""", "percent" },
        { "name with a card number", """{"kind":"MembershipDiscount","name":"Members 4111 1111 1111 1111","membership":"Gold","percent":10}""", "name" },
        { "blank name", """{"kind":"MembershipDiscount","name":"  ","membership":"Gold","percent":10}""", "name" },
    };

    [Theory]
    [MemberData(nameof(InvalidRules))]
    public async Task CreateRule_Invalid_Is400NamingTheFieldAndStoresNothing(string name, string body, string field)
    {
        var before = await system.Sql.CountAsync("pricing.pricing_rules");

        using var response = await system.Operator.PostAsync("/pricing/rules",
            new StringContent(body.Replace("{product}", Guid.NewGuid().ToString(), StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json"));

        var problem = await PricingSystem.ReadAsync<ValidationProblemDetails>(response, HttpStatusCode.BadRequest);
        Assert.True(problem.Errors.ContainsKey(field), $"{name}: {string.Join(", ", problem.Errors.Keys)}");
        Assert.DoesNotContain("4111", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await system.Sql.CountAsync("pricing.pricing_rules"));
    }

    [Fact]
    public async Task Rules_CreateGetListRetire_RetiredOnesListedOnlyOnRequest()
    {
        var product = Guid.NewGuid();
        var sale = await system.RuleAsync(new PricingRuleRequest(PricingRuleKind.SalePrice, " Spring sale ", ProductId: product, SalePrice: 9.99m,
            Currency: "USD", StartsAt: Start, EndsAt: Start.AddDays(30)));
        var tier = await system.RuleAsync(new PricingRuleRequest(PricingRuleKind.QuantityTier, "Dozen", Category: "Kitchen", MinimumQuantity: 12, Percent: 7.5m));
        var members = await system.RuleAsync(new PricingRuleRequest(PricingRuleKind.MembershipDiscount, "Platinum", Membership: "PLATINUM", Percent: 15m));

        Assert.Equal((PricingRuleKind.SalePrice, "Spring sale", product, 9.99m, "USD", false, 1), (sale.Kind, sale.Name, sale.ProductId, sale.SalePrice, sale.Currency, sale.Retired, sale.Version));
        Assert.Equal((12, 7.5m, "Kitchen", (Guid?)null), (tier.MinimumQuantity, tier.Percent, tier.Category, tier.ProductId));
        Assert.Equal("Platinum", members.Membership);
        var read = await system.Operator.GetFromJsonAsync<PricingRuleResponse>($"/pricing/rules/{tier.Id}", CommerceJson.Options);
        Assert.Equal(tier, read);

        using var stale = await RetireAsync(tier.Id, "\"7\"");
        using var malformed = await RetireAsync(tier.Id, "7");
        using var retired = await RetireAsync(tier.Id, "\"1\"");
        using var again = await RetireAsync(tier.Id, "\"1\"");
        using var missing = await RetireAsync(Guid.NewGuid(), null);

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var retiredRule = await PricingSystem.ReadAsync<PricingRuleResponse>(retired, HttpStatusCode.OK);
        Assert.Equal((true, 2), (retiredRule.Retired, retiredRule.Version));
        Assert.Equal("\"2\"", retired.Headers.ETag?.ToString());
        // Idempotent: a repeat after a lost answer succeeds, and changes nothing.
        Assert.Equal(2, (await PricingSystem.ReadAsync<PricingRuleResponse>(again, HttpStatusCode.OK)).Version);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var current = await system.Operator.GetFromJsonAsync<PricingRulePage>("/pricing/rules", CommerceJson.Options);
        var all = await system.Operator.GetFromJsonAsync<PricingRulePage>("/pricing/rules?includeRetired=true", CommerceJson.Options);
        Assert.Contains(current!.Items, r => r.Id == sale.Id);
        Assert.DoesNotContain(current.Items, r => r.Id == tier.Id);
        Assert.Contains(all!.Items, r => r.Id == tier.Id && r.Retired);
    }

    [Fact]
    public async Task RetiredRule_NoLongerApplies()
    {
        var product = await system.ProductAsync(10.00m);
        var (customer, _) = await system.CustomerAsync();
        var tier = await system.RuleAsync(new PricingRuleRequest(PricingRuleKind.QuantityTier, "Pair", ProductId: product.Id, MinimumQuantity: 2, Percent: 50m));
        var before = await system.QuoteAsync(customer, (product.Id, 2));

        using var retired = await RetireAsync(tier.Id, null);
        var after = await system.QuoteAsync(customer, (product.Id, 2));

        Assert.Equal((10.00m, 20.00m), (before.Total, after.Total));
    }

    private Task<HttpResponseMessage> RetireAsync(Guid id, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/pricing/rules/{id}/retire");
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return system.Operator.SendAsync(request);
    }
}
