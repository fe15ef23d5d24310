using Commerce.Review.Contracts;

namespace Commerce.Review.Tests;

/// <summary>The product's rating row: every approval counted exactly once, concurrent ones included.</summary>
public sealed class RatingTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    [Fact]
    public async Task Rating_SeveralApprovals_CountsAveragesAndDistributesStars()
    {
        var productId = await fixture.NewProductAsync();
        var reviews = new List<ReviewResponse>();
        foreach (var stars in new[] { 5, 4, 4, 1 })
        {
            reviews.Add(await fixture.PendingReviewAsync(productId, stars));
        }

        foreach (var review in reviews)
        {
            await fixture.ApproveAsync(review.Id);
        }

        var rating = (await fixture.RatingAsync(productId))!;
        Assert.Equal((productId, 4, 3.5m), (rating.ProductId, rating.Count, rating.Average));
        Assert.Equal([1, 0, 0, 2, 1], rating.Stars);
    }

    [Fact]
    public async Task Rating_AverageIsRoundedToTwoDecimals()
    {
        var productId = await fixture.NewProductAsync();
        foreach (var stars in new[] { 5, 4, 4 })
        {
            await fixture.ApproveAsync((await fixture.PendingReviewAsync(productId, stars)).Id);
        }

        Assert.Equal(4.33m, (await fixture.RatingAsync(productId))!.Average);
    }

    [Fact]
    public async Task Rating_NoApprovedReview_IsZero()
    {
        var rating = (await fixture.RatingAsync(Guid.NewGuid()))!;

        Assert.Equal((0, 0m), (rating.Count, rating.Average));
        Assert.Equal([0, 0, 0, 0, 0], rating.Stars);
    }

    [Fact]
    public async Task Rating_ConcurrentApprovalsOfOneProduct_LoseNoCountAndVersionEachChange()
    {
        var productId = await fixture.NewProductAsync();
        var stars = new[] { 5, 5, 4, 3, 5, 2, 4, 1 };
        var reviews = new List<ReviewResponse>();
        foreach (var s in stars)
        {
            reviews.Add(await fixture.PendingReviewAsync(productId, s));
        }

        await Task.WhenAll(reviews.Select(r => fixture.ApproveAsync(r.Id)));

        var rating = (await fixture.RatingAsync(productId))!;
        Assert.Equal((8, 3.63m), (rating.Count, rating.Average));
        Assert.Equal([1, 1, 1, 2, 3], rating.Stars);
        // Each approval published the summary after it, at its own version 1..8: Product keeps the newest.
        var versions = new List<int>();
        var counts = new List<int>();
        foreach (var review in reviews)
        {
            var approved = (await fixture.Sql.EventsAsync("review", review.Id)).Single(e => e.Type == "ReviewApproved").Payload;
            versions.Add(approved.GetProperty("ratingVersion").GetInt32());
            counts.Add(approved.GetProperty("rating").GetProperty("count").GetInt32());
        }

        Assert.Equal(Enumerable.Range(1, 8), versions.Order());
        Assert.Equal(versions, counts);
    }
}
