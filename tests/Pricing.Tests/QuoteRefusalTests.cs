using System.Net;
using System.Net.Http.Json;
using Commerce.Pricing.Contracts;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults;
using Microsoft.AspNetCore.Mvc;

namespace Commerce.Pricing.Tests;

/// <summary>
/// What a quote refuses, and that a refusal stores nothing. Promotion is unreachable in this host: a quote without a
/// coupon never needs it, one with a coupon is a 503.
/// </summary>
public sealed class QuoteRefusalTests(PricingWithoutPromotion system) : IClassFixture<PricingWithoutPromotion>
{
    public static TheoryData<string, int[]> BadQuantities { get; } = new()
    {
        { "zero", [0] },
        { "minus one", [-1] },
        { "a thousand", [1000] },
        { "int max", [int.MaxValue] },
        { "one bad of two", [1, 0] },
    };

    [Theory]
    [MemberData(nameof(BadQuantities))]
    public async Task CreateQuote_QuantityOutside1To999_Is400AndStoresNothing(string name, int[] quantities)
    {
        var products = new List<ProductResponse>();
        foreach (var _ in quantities)
        {
            products.Add(await system.ProductAsync(2.00m));
        }

        var before = await system.QuoteCountAsync();
        using var response = await system.PostQuoteAsync(system.Operator, Guid.NewGuid(), null,
            [.. products.Zip(quantities, (p, q) => (p.Id, q))]);

        var problem = await PricingSystem.ReadAsync<ValidationProblemDetails>(response, HttpStatusCode.BadRequest);
        Assert.True(problem.Errors.Keys.Any(k => k.EndsWith(".quantity", StringComparison.Ordinal)), name);
        Assert.Equal(before, await system.QuoteCountAsync());
    }

    [Fact]
    public async Task CreateQuote_DuplicateProductsNoLinesOrTooManyLines_Is400AndStoresNothing()
    {
        var product = await system.ProductAsync(2.00m);
        var before = await system.QuoteCountAsync();

        using var duplicate = await system.PostQuoteAsync(system.Operator, Guid.NewGuid(), null, (product.Id, 1), (product.Id, 2));
        using var none = await system.PostQuoteAsync(system.Operator, Guid.NewGuid(), null);
        using var tooMany = await system.PostQuoteAsync(system.Operator, Guid.NewGuid(), null,
            [.. Enumerable.Range(0, CreateQuoteRequest.MaxLines + 1).Select(_ => (Guid.NewGuid(), 1))]);
        using var noCustomer = await system.PostQuoteAsync(system.Operator, Guid.Empty, null, (product.Id, 1));

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest],
            new[] { duplicate.StatusCode, none.StatusCode, tooMany.StatusCode, noCustomer.StatusCode });
        Assert.Equal(before, await system.QuoteCountAsync());
    }

    [Theory]
    [InlineData("' OR 1=1; DROP TABLE pricing.quotes; --")]
    [InlineData("4111111111111111")]
    [InlineData("4111-1111-1111-1111")]
    // Too short; and no hex digits, so the response's random traceId can never hold it by chance.
    [InlineData("zq")]
    [InlineData("SPRING\n")]
    [InlineData("")]
    public async Task CreateQuote_CouponCodeNotACode_Is400WithoutEchoAndNeverAsksPromotion(string coupon)
    {
        var product = await system.ProductAsync(2.00m);
        var before = await system.QuoteCountAsync();

        using var response = await system.PostQuoteAsync(system.Operator, Guid.NewGuid(), coupon, (product.Id, 1));

        // Promotion is unreachable here: a 400 (not a 503) shows the code was refused before it was asked.
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("couponCode", body, StringComparison.Ordinal);
        if (coupon.Length > 3)
        {
            Assert.DoesNotContain(coupon.Trim(), body, StringComparison.Ordinal);
        }

        Assert.Equal(before, await system.QuoteCountAsync());
    }

    [Fact]
    public async Task CreateQuote_PromotionUnreachable_Is503WithRetryAfter_AndWithoutACouponPromotionIsNotNeeded()
    {
        var product = await system.ProductAsync(4.00m);
        var (customer, client) = await system.CustomerAsync();
        var before = await system.QuoteCountAsync();

        using var withCoupon = await system.PostQuoteAsync(client, customer, "spring-10", (product.Id, 1));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, withCoupon.StatusCode);
        Assert.Equal("application/problem+json", withCoupon.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(withCoupon.Headers.RetryAfter);
        Assert.Equal(before, await system.QuoteCountAsync());

        using var without = await system.PostQuoteAsync(client, customer, null, (product.Id, 1));
        Assert.Equal(HttpStatusCode.Created, without.StatusCode);
        Assert.Equal(before + 1, await system.QuoteCountAsync());
    }

    [Fact]
    public async Task CreateQuote_MixedCurrencies_Is422AndStoresNothing()
    {
        var dollars = await system.ProductAsync(5.00m, "USD");
        var euros = await system.ProductAsync(5.00m, "EUR");
        var before = await system.QuoteCountAsync();

        using var response = await system.PostQuoteAsync(system.Operator, Guid.NewGuid(), null, (dollars.Id, 1), (euros.Id, 1));

        var problem = await PricingSystem.ReadAsync<ProblemDetails>(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("more than one currency", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await system.QuoteCountAsync());
    }

    [Fact]
    public async Task CreateQuote_UnknownOrDiscontinuedProduct_Is422AndStoresNothing()
    {
        var known = await system.ProductAsync(5.00m);
        var gone = await system.ProductAsync(5.00m);
        var discontinued = await PricingSystem.SendAsync<ProductResponse>(system.Operator, HttpMethod.Post, $"/products/{gone.Id}/discontinue", null,
            HttpStatusCode.OK);
        await system.CachedAsync(gone.Id, discontinued.Version);
        var unknown = Guid.NewGuid();
        var before = await system.QuoteCountAsync();

        using var unknownResponse = await system.PostQuoteAsync(system.Operator, Guid.NewGuid(), null, (known.Id, 1), (unknown, 1));
        using var goneResponse = await system.PostQuoteAsync(system.Operator, Guid.NewGuid(), null, (gone.Id, 1));

        var unknownProblem = await PricingSystem.ReadAsync<ProblemDetails>(unknownResponse, HttpStatusCode.UnprocessableEntity);
        var goneProblem = await PricingSystem.ReadAsync<ProblemDetails>(goneResponse, HttpStatusCode.UnprocessableEntity);
        Assert.Equal($"Product {unknown} does not exist.", unknownProblem.Detail);
        Assert.Equal($"Product {gone.Id} is Discontinued and cannot be priced.", goneProblem.Detail);
        Assert.Equal(before, await system.QuoteCountAsync());
        Assert.Equal(0, await system.Sql.CountAsync("pricing.cached_products", "product_id = $1", unknown));
    }

    [Fact]
    public async Task CreateQuote_TotalAtTheAmountLimit_Is422AndStoresNothing()
    {
        var costly = await system.ProductAsync(5_000_000_000_000_000.00m);
        var before = await system.QuoteCountAsync();

        using var response = await system.PostQuoteAsync(system.Operator, Guid.NewGuid(), null, (costly.Id, 2));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(before, await system.QuoteCountAsync());
    }

    [Fact]
    public async Task Quotes_OfAnotherCustomer_Are404BothWays_AndStoreNothing()
    {
        var product = await system.ProductAsync(6.00m);
        var (ada, adaClient) = await system.CustomerAsync();
        var (bob, bobClient) = await system.CustomerAsync();
        using var adas = await system.PostQuoteAsync(adaClient, ada, null, (product.Id, 1));
        var quote = await PricingSystem.ReadAsync<QuoteResponse>(adas, HttpStatusCode.Created);
        var before = await system.QuoteCountAsync();

        using var forAda = await system.PostQuoteAsync(bobClient, ada, null, (product.Id, 1));
        using var readAdas = await bobClient.GetAsync($"/pricing/quotes/{quote.QuoteId}");
        using var readMissing = await bobClient.GetAsync($"/pricing/quotes/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, forAda.StatusCode);
        Assert.Equal(before, await system.QuoteCountAsync());
        var another = await readAdas.Content.ReadFromJsonAsync<ProblemDetails>(CommerceJson.Options);
        var missing = await readMissing.Content.ReadFromJsonAsync<ProblemDetails>(CommerceJson.Options);
        Assert.Equal((404, "Not found"), (another!.Status, another.Title));
        Assert.Equal((missing!.Status, missing.Title), (another.Status, another.Title));
        Assert.Equal(HttpStatusCode.OK, (await adaClient.GetAsync($"/pricing/quotes/{quote.QuoteId}")).StatusCode);
        Assert.NotEqual(Guid.Empty, bob);
    }
}
