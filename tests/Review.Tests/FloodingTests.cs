using System.Net;

namespace Commerce.Review.Tests;

/// <summary>Review with a flooding limit of three reviews an hour.</summary>
public sealed class FloodingFixture : ReviewFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } =
        new Dictionary<string, string?> { ["Review:Flooding:MaxPerHour"] = "3" };
}

public sealed class FloodingTests(FloodingFixture fixture) : IClassFixture<FloodingFixture>
{
    [Fact]
    public async Task Submit_MoreThanTheLimitInAnHour_Is429UntilTheWindowSlides()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var productIds = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            productIds.Add(await fixture.NewProductAsync());
        }

        var orderId = await fixture.NewOrderAsync(customerId, true, [.. productIds]);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await ReviewFixture.SubmitAsync(client, orderId, productIds[i]);
            statuses.Add(response.StatusCode);
            fixture.Clock.Advance(TimeSpan.FromMinutes(10));
        }

        using var flooded = await ReviewFixture.SubmitAsync(client, orderId, productIds[3]);
        fixture.Clock.Advance(TimeSpan.FromMinutes(31)); // the first review is now more than an hour old
        using var afterWindow = await ReviewFixture.SubmitAsync(client, orderId, productIds[3]);
        using var floodedAgain = await ReviewFixture.SubmitAsync(client, orderId, productIds[4]);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, flooded.StatusCode);
        Assert.Equal("application/problem+json", flooded.Content.Headers.ContentType?.MediaType);
        // The oldest of the three leaves the window 30 minutes later.
        Assert.Equal(TimeSpan.FromMinutes(30), flooded.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.Created, afterWindow.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, floodedAgain.StatusCode);
        Assert.Equal(4, await fixture.Sql.CountAsync("review.reviews", "customer_id = $1", customerId));
    }

    [Fact]
    public async Task Submit_ConcurrentBurst_AdmitsExactlyTheLimit()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var productIds = new List<Guid>();
        for (var i = 0; i < 8; i++)
        {
            productIds.Add(await fixture.NewProductAsync());
        }

        var orderId = await fixture.NewOrderAsync(customerId, true, [.. productIds]);

        var responses = await Task.WhenAll(productIds.Select(p => ReviewFixture.SubmitAsync(client, orderId, p)));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Equal(3, await fixture.Sql.CountAsync("review.reviews", "customer_id = $1", customerId));
    }

    [Fact]
    public async Task Submit_OtherCustomers_HaveTheirOwnLimit()
    {
        var productId = await fixture.NewProductAsync();
        for (var i = 0; i < 4; i++)
        {
            await fixture.PendingReviewAsync(productId);
        }
    }
}
