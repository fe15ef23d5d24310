using System.Net;
using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Pricing.Contracts;
using Commerce.Product.Contracts;
using Commerce.Promotion.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Commerce.ServiceDefaults.Retention;
using Commerce.ShoppingCart.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Commerce.Pricing.Tests;

/// <summary>
/// Pricing's caches fed by events: promotions (delivered to the inbox as Promotion's dispatcher would), cart demand,
/// and the product cache under every delivery order of Product's real events.
/// </summary>
public sealed class CacheTests(PricingSystem system) : IClassFixture<PricingSystem>
{
    [Fact]
    public async Task AutomaticPromotion_AppliesWhileActive_AndStopsOncePromotionExpiredArrives()
    {
        var product = await system.ProductAsync(10.00m, "AUD");
        var (customer, _) = await system.CustomerAsync();
        var id = Guid.NewGuid();
        var now = system.Clock.GetUtcNow();
        var activated = TestSupport.Envelope("Promotion", id.ToString(), 1, new PromotionActivated(id, "Cup week",
            new PromotionTerms(DiscountKind.Percentage, 20m, "AUD", PromotionScope.Products, ProductIds: [product.Id]), false,
            now.AddMinutes(-1), now.AddHours(1)));

        Assert.Equal(InboxOutcome.Processed, await system.Operator.DeliverAsync("pricing", activated));
        var during = await system.QuoteAsync(customer, (product.Id, 3));
        Assert.Equal(InboxOutcome.Processed, await system.Operator.DeliverAsync("pricing",
            TestSupport.Envelope("Promotion", id.ToString(), 2, new PromotionExpired(id, "Cup week", PromotionStatus.Deactivated))));
        // The activation again, redelivered or re-sent: it is older than the expiry and changes nothing.
        Assert.Equal(InboxOutcome.Duplicate, await system.Operator.DeliverAsync("pricing", activated));
        Assert.Equal(InboxOutcome.Stale, await system.Operator.DeliverAsync("pricing", activated with { Id = Guid.NewGuid() }));
        var after = await system.QuoteAsync(customer, (product.Id, 3));

        var adjustment = Assert.Single(during.Lines[0].Adjustments);
        Assert.Equal((AdjustmentSource.Promotion, id, 6.00m), (adjustment.Source, adjustment.SourceId, adjustment.Amount));
        Assert.Equal(new AppliedPromotion(id, "Cup week", null, 6.00m), Assert.Single(during.Promotions));
        Assert.Equal(24.00m, during.Total);
        Assert.Equal((30.00m, 0), (after.Total, after.Promotions.Count));
        PricingSystem.AssertAddsUp(during);
    }

    [Fact]
    public async Task AutomaticPromotions_ApplyInOrderByStartThenId_OnlyWhenEligible_AndTheTotalNeverGoesBelowZero()
    {
        const string currency = "CAD";
        var category = $"Mugs-{Guid.NewGuid():N}";
        var mug = await system.ProductAsync(50.00m, currency, category);
        var (customer, _) = await system.CustomerAsync();
        var now = system.Clock.GetUtcNow();
        var perUnit = await PromoteAsync(now.AddHours(-3), new PromotionTerms(DiscountKind.FixedAmount, 3.00m, currency, PromotionScope.Categories,
            Categories: [category.ToLowerInvariant()]));
        var tenPercent = await PromoteAsync(now.AddHours(-2), new PromotionTerms(DiscountKind.Percentage, 10m, currency, PromotionScope.Products,
            ProductIds: [mug.Id]));
        var orderFive = await PromoteAsync(now.AddHours(-1), new PromotionTerms(DiscountKind.Percentage, 5m, currency, PromotionScope.Order,
            MinimumOrderTotal: 100.00m));
        await PromoteAsync(now.AddHours(-1), new PromotionTerms(DiscountKind.FixedAmount, 10m, currency, PromotionScope.Order, MinimumMembership: "Gold"));
        await PromoteAsync(now.AddHours(-1), new PromotionTerms(DiscountKind.FixedAmount, 10m, "USD", PromotionScope.Order));
        await PromoteAsync(now.AddHours(-1), new PromotionTerms(DiscountKind.Percentage, 50m, currency, PromotionScope.Order, MinimumOrderTotal: 100.01m));
        await PromoteAsync(now.AddHours(-1), new PromotionTerms(DiscountKind.Percentage, 50m, currency, PromotionScope.Order), endsAt: now.AddMinutes(-1));
        var huge = await PromoteAsync(now.AddMinutes(-30), new PromotionTerms(DiscountKind.FixedAmount, 200.00m, currency, PromotionScope.Order));

        var quote = await system.QuoteAsync(customer, (mug.Id, 2));

        // 100.00 − 3.00 × 2 = 94.00 − 10 % (9.40) = 84.60; subtotal 84.60 − 5 % (4.23) = 80.37 − min(200, 80.37) = 0.
        var line = quote.Lines[0];
        Assert.Equal([(perUnit, 6.00m), (tenPercent, 9.40m)], line.Adjustments.Select(a => (a.SourceId, a.Amount)));
        Assert.Equal((84.60m, 84.60m), (line.LineTotal, quote.Subtotal));
        Assert.Equal([(orderFive, 4.23m), (huge, 80.37m)], quote.OrderAdjustments.Select(a => (a.SourceId, a.Amount)));
        Assert.Equal(0m, quote.Total);
        Assert.Equal([perUnit, tenPercent, orderFive, huge], quote.Promotions.Select(p => p.PromotionId));
        PricingSystem.AssertAddsUp(quote);
    }

    [Fact]
    public async Task ItemAddedToCart_CountsUnitsAndCarts_OncePerEvent_ForOperators()
    {
        var product = Guid.NewGuid();
        var (cart, otherCart, customer) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var first = TestSupport.Envelope("ShoppingCart", cart.ToString(), 1, new ItemAddedToCart(cart, customer, product, 2, 2));

        await system.Operator.DeliverAsync("pricing", first);
        await system.Operator.DeliverAsync("pricing", TestSupport.Envelope("ShoppingCart", cart.ToString(), 3, new ItemAddedToCart(cart, customer, product, 1, 3)));
        // Additive: an older version of the cart arriving late still counts.
        await system.Operator.DeliverAsync("pricing", TestSupport.Envelope("ShoppingCart", cart.ToString(), 2, new ItemAddedToCart(cart, customer, Guid.NewGuid(), 1, 1)));
        await system.Operator.DeliverAsync("pricing", TestSupport.Envelope("ShoppingCart", otherCart.ToString(), 1, new ItemAddedToCart(otherCart, customer, product, 4, 4)));
        Assert.Equal(InboxOutcome.Duplicate, await system.Operator.DeliverAsync("pricing", first));

        var demand = await system.Operator.GetFromJsonAsync<ProductDemandResponse>($"/pricing/demand/{product}", CommerceJson.Options);
        Assert.Equal((7L, 2L), (demand!.UnitsAdded, demand.Carts));
        Assert.Equal(HttpStatusCode.NotFound, (await system.Operator.GetAsync($"/pricing/demand/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task ProductEvents_InEveryOrderWithDuplicates_ConvergeToTheLatestState()
    {
        var product = await system.ProductAsync(9.00m);
        await PricingSystem.SendAsync<ProductResponse>(system.Operator, HttpMethod.Put, $"/products/{product.Id}/price",
            new ChangePriceRequest(8.00m, "EUR"), HttpStatusCode.OK);
        await PricingSystem.SendAsync<ProductResponse>(system.Operator, HttpMethod.Put, $"/products/{product.Id}",
            new UpdateProductRequest("Espresso cup, blue", "Tableware"), HttpStatusCode.OK);
        var latest = await PricingSystem.SendAsync<ProductResponse>(system.Operator, HttpMethod.Post, $"/products/{product.Id}/discontinue", null,
            HttpStatusCode.OK);
        var events = await system.Sql.OutboxEnvelopesAsync("product", "Product", product.Id.ToString());

        var converged = await Convergence.AssertEveryOrderConvergesAsync(system.Operator, "pricing", events, product.Id.ToString(),
            () => Guid.NewGuid().ToString(),
            async copy => (await system.Sql.RowsAsync(
                    "SELECT sku, name, category, price, currency, status, source_version FROM pricing.cached_products WHERE product_id = $1::uuid", copy))
                .Select(row => string.Join(" ", row))
                .SingleOrDefault());

        Assert.Equal($"{latest.Sku} Espresso cup, blue Tableware 8.00 EUR Discontinued {latest.Version}", converged);
    }

    [Fact]
    public async Task MembershipEvents_InEveryOrderWithDuplicates_ConvergeToTheLatestLevel()
    {
        var (customer, _) = await system.CustomerAsync();
        foreach (var level in new[] { MembershipLevel.Silver, MembershipLevel.Platinum })
        {
            await PricingSystem.SendAsync<CustomerResponse>(system.Operator, HttpMethod.Post, $"/customers/{customer}/membership",
                new UpgradeMembershipRequest(level), HttpStatusCode.OK);
        }

        var events = (await system.Sql.OutboxEnvelopesAsync("customer", "Customer", customer.ToString()))
            .Where(e => e.Type is nameof(CustomerRegistered) or nameof(CustomerMembershipUpgraded)).ToList();

        var converged = await Convergence.AssertEveryOrderConvergesAsync(system.Operator, "pricing", events, customer.ToString(),
            () => Guid.NewGuid().ToString(),
            async copy => (await system.Sql.RowsAsync(
                    "SELECT membership, source_version FROM pricing.customer_memberships WHERE customer_id = $1::uuid", copy))
                .Select(row => string.Join(" ", row))
                .SingleOrDefault());

        Assert.Equal($"Platinum {events.Max(e => e.AggregateVersion)}", converged);
    }

    [Fact]
    public async Task ProductsCache_Rebuild_RestoresACopyFromProductsApi()
    {
        var product = await system.ProductAsync(7.00m);
        await system.Sql.ScalarAsync<int>("DELETE FROM pricing.cached_products WHERE product_id = $1 RETURNING 1", product.Id);

        var rebuilt = await PricingSystem.SendAsync<CacheRebuildResponse>(system.Operator, HttpMethod.Post, "/ops/pricing/caches/rebuild", null,
            HttpStatusCode.OK);

        var products = Assert.Single(rebuilt.Caches, c => c.Cache == "products");
        Assert.True(products.OwnerCopies >= 1 && products.Refreshed >= 1, $"{products}");
        Assert.Equal(1, await system.Sql.CountAsync("pricing.cached_products", "product_id = $1 AND price = 7.00 AND source_version = $2",
            product.Id, product.Version));
    }

    [Fact]
    public async Task ExpiredQuotes_AreDeletedSevenDaysAfterTheyExpire()
    {
        var product = await system.ProductAsync(1.00m);
        var (customer, _) = await system.CustomerAsync();
        var old = await system.QuoteAsync(customer, (product.Id, 1));
        var recent = await system.QuoteAsync(customer, (product.Id, 1));
        var now = system.Clock.GetUtcNow();
        await system.Sql.ScalarAsync<int>("UPDATE pricing.quotes SET expires_at = $2 WHERE id = $1 RETURNING 1", old.QuoteId, now.AddDays(-7).AddMinutes(-1));
        await system.Sql.ScalarAsync<int>("UPDATE pricing.quotes SET expires_at = $2 WHERE id = $1 RETURNING 1", recent.QuoteId, now.AddDays(-7).AddMinutes(1));

        var sweep = await SweepAsync();

        Assert.True(sweep.Records[PricingContext.ExpiredQuotesRecords] >= 1);
        Assert.Equal(0, await system.Sql.CountAsync("pricing.quotes", "id = $1", old.QuoteId));
        Assert.Equal(1, await system.Sql.CountAsync("pricing.quotes", "id = $1", recent.QuoteId));
    }

    [Fact]
    public async Task ProductCopies_UnchangedFor180Days_AreSwept_AndAQuoteFetchesTheCopyAgain()
    {
        var forgotten = await system.ProductAsync(3.00m, category: $"Cups-{Guid.NewGuid():N}");
        var changed = await system.ProductAsync(4.00m);
        var now = system.Clock.GetUtcNow();
        await BackdateAsync("cached_products", "product_id", forgotten.Id, now.AddDays(-180).AddMinutes(-1));
        await BackdateAsync("cached_products", "product_id", changed.Id, now.AddDays(-180).AddMinutes(-1));
        // A change the owner announces refreshes the copy: it is no longer unchanged for 180 days.
        var repriced = await PricingSystem.SendAsync<ProductResponse>(system.Operator, HttpMethod.Put, $"/products/{changed.Id}/price",
            new ChangePriceRequest(4.50m, "USD"), HttpStatusCode.OK);
        await system.CachedAsync(changed.Id, repriced.Version);

        var sweep = await SweepAsync();

        Assert.True(sweep.Records["product-copies"] >= 1, $"{sweep.Records["product-copies"]}");
        Assert.Equal(0, await system.Sql.CountAsync("pricing.cached_products", "product_id = $1", forgotten.Id));
        Assert.Equal(1, await system.Sql.CountAsync("pricing.cached_products", "product_id = $1", changed.Id));
        // The quote asks Product for the missing copy and keeps it again.
        var (customer, _) = await system.CustomerAsync();
        var quote = await system.QuoteAsync(customer, (forgotten.Id, 2));
        Assert.Equal(3.00m, Assert.Single(quote.Lines).BasePrice);
        Assert.Equal(1, await system.Sql.CountAsync("pricing.cached_products", "product_id = $1 AND source_version = $2",
            forgotten.Id, forgotten.Version));
    }

    [Fact]
    public async Task InactivePromotionCopies_AreSweptAfter90DaysUnchanged_ActiveOnesStay_AndOnlyANewerEventBringsOneBack()
    {
        var product = await system.ProductAsync(10.00m, "NZD");
        var ended = Guid.NewGuid();
        var running = Guid.NewGuid();
        var now = system.Clock.GetUtcNow();
        var terms = new PromotionTerms(DiscountKind.Percentage, 10m, "NZD", PromotionScope.Products, ProductIds: [product.Id]);
        PromotionActivated Activated(Guid id) => new(id, "Winter", terms, false, now.AddDays(-1), now.AddDays(1));
        var endedActivation = TestSupport.Envelope("Promotion", ended.ToString(), 1, Activated(ended));
        Assert.Equal(InboxOutcome.Processed, await system.Operator.DeliverAsync("pricing", endedActivation));
        Assert.Equal(InboxOutcome.Processed, await system.Operator.DeliverAsync("pricing",
            TestSupport.Envelope("Promotion", ended.ToString(), 2, new PromotionExpired(ended, "Winter", PromotionStatus.Deactivated))));
        Assert.Equal(InboxOutcome.Processed, await system.Operator.DeliverAsync("pricing",
            TestSupport.Envelope("Promotion", running.ToString(), 1, Activated(running))));
        await BackdateAsync("promotions", "promotion_id", ended, now.AddDays(-90).AddMinutes(-1));
        await BackdateAsync("promotions", "promotion_id", running, now.AddDays(-90).AddMinutes(-1));

        var sweep = await SweepAsync();

        Assert.True(sweep.Records["inactive-promotion-copies"] >= 1, $"{sweep.Records["inactive-promotion-copies"]}");
        Assert.Equal(0, await system.Sql.CountAsync("pricing.promotions", "promotion_id = $1", ended));
        Assert.Equal(1, await system.Sql.CountAsync("pricing.promotions", "promotion_id = $1 AND active", running));
        // The removed copy cannot be revived by the older activation, re-sent: the inbox's version check still refuses it.
        Assert.Equal(InboxOutcome.Stale, await system.Operator.DeliverAsync("pricing", endedActivation with { Id = Guid.NewGuid() }));
        Assert.Equal(0, await system.Sql.CountAsync("pricing.promotions", "promotion_id = $1", ended));
        // A newer event carries the promotion's whole state and brings the copy back.
        Assert.Equal(InboxOutcome.Processed, await system.Operator.DeliverAsync("pricing",
            TestSupport.Envelope("Promotion", ended.ToString(), 3, Activated(ended))));
        Assert.Equal(1, await system.Sql.CountAsync("pricing.promotions", "promotion_id = $1 AND active AND source_version = 3", ended));
    }

    private Task BackdateAsync(string table, string key, Guid id, DateTimeOffset refreshedAt) =>
        system.Sql.ScalarAsync<int>($"UPDATE pricing.{table} SET refreshed_at = $2 WHERE {key} = $1 RETURNING 1", id, refreshedAt);

    private Task<RetentionSweep> SweepAsync() => system.Host.Services.GetServices<IHostedService>().OfType<RetentionSweeper>()
        .Single(s => s.Context.Name == PricingContext.Name).SweepOnceAsync(CancellationToken.None);

    private async Task<Guid> PromoteAsync(DateTimeOffset startsAt, PromotionTerms terms, DateTimeOffset? endsAt = null)
    {
        var id = Guid.NewGuid();
        var outcome = await system.Operator.DeliverAsync("pricing", TestSupport.Envelope("Promotion", id.ToString(), 1,
            new PromotionActivated(id, $"Promotion {id:N}"[..20], terms, false, startsAt, endsAt ?? system.Clock.GetUtcNow().AddHours(1))));
        Assert.Equal(InboxOutcome.Processed, outcome);
        return id;
    }
}
