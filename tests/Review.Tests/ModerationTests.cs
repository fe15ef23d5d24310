using System.Net;
using System.Net.Http.Json;
using Commerce.Review.Contracts;
using Commerce.ServiceDefaults;

namespace Commerce.Review.Tests;

/// <summary>Pending → approved (counted into the product's rating) or rejected (with a reason), by operators.</summary>
public sealed class ModerationTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    [Fact]
    public async Task Approve_Pending_PublishesReviewApprovedWithTheProductsNewRating()
    {
        var productId = await fixture.NewProductAsync();
        var review = await fixture.PendingReviewAsync(productId, 4);

        var approved = await fixture.ApproveAsync(review.Id);

        Assert.Equal((ReviewStatus.Approved, 2), (approved.Status, approved.Version));
        Assert.NotNull(approved.ModeratedAt);
        var events = await fixture.Sql.EventsAsync("review", review.Id);
        Assert.Equal(["ReviewSubmitted", "ReviewApproved"], events.Select(e => e.Type));
        var payload = events[1].Payload;
        Assert.Equal((4, 1), (payload.GetProperty("stars").GetInt32(), payload.GetProperty("ratingVersion").GetInt32()));
        var rating = payload.GetProperty("rating");
        Assert.Equal((1, 4m), (rating.GetProperty("count").GetInt32(), rating.GetProperty("average").GetDecimal()));
        Assert.Equal([0, 0, 0, 1, 0], rating.GetProperty("stars").EnumerateArray().Select(s => s.GetInt32()));
        var published = await ReviewFixture.ReadAsync<PublishedReviewPage>(await fixture.Anonymous.GetAsync($"/reviews/products/{productId}"));
        Assert.Equal(review.Id, Assert.Single(published.Items).Id);
    }

    [Fact]
    public async Task Approve_Repeated_IsIdempotentAndCountsOnce()
    {
        var productId = await fixture.NewProductAsync();
        var review = await fixture.PendingReviewAsync(productId, 5);

        await fixture.ApproveAsync(review.Id);
        var again = await fixture.ApproveAsync(review.Id);

        Assert.Equal(2, again.Version);
        Assert.Equal(1, (await fixture.RatingAsync(productId))!.Count);
        Assert.Equal(2, (await fixture.Sql.EventsAsync("review", review.Id)).Count);
    }

    [Fact]
    public async Task Reject_Pending_PublishesReviewRejectedWithTheProductNameAndReason()
    {
        var productId = await fixture.NewProductAsync("Garden hose");
        var review = await fixture.PendingReviewAsync(productId);

        using var response = await fixture.Client.PostAsJsonAsync($"/reviews/{review.Id}/reject", new RejectReviewRequest(" Off-topic "),
            CommerceJson.Options);
        using var repeat = await fixture.Client.PostAsJsonAsync($"/reviews/{review.Id}/reject", new RejectReviewRequest("Another reason"),
            CommerceJson.Options);
        using var approve = await fixture.Client.PostAsync($"/reviews/{review.Id}/approve", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rejected = await ReviewFixture.ReadAsync<ReviewResponse>(response);
        Assert.Equal((ReviewStatus.Rejected, "Off-topic"), (rejected.Status, rejected.RejectionReason));
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal("Off-topic", (await ReviewFixture.ReadAsync<ReviewResponse>(repeat)).RejectionReason);
        Assert.Equal(HttpStatusCode.Conflict, approve.StatusCode);
        var events = await fixture.Sql.EventsAsync("review", review.Id);
        Assert.Equal(["ReviewSubmitted", "ReviewRejected"], events.Select(e => e.Type));
        Assert.Equal(("Garden hose", "Off-topic"), (events[1].Payload.GetProperty("productName").GetString(),
            events[1].Payload.GetProperty("reason").GetString()));
        Assert.Equal(0, (await fixture.RatingAsync(productId))!.Count);
    }

    [Fact]
    public async Task Reject_Approved_Is409()
    {
        var review = await fixture.PendingReviewAsync(await fixture.NewProductAsync());
        await fixture.ApproveAsync(review.Id);

        using var response = await fixture.Client.PostAsJsonAsync($"/reviews/{review.Id}/reject", new RejectReviewRequest("Too late"),
            CommerceJson.Options);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Refund to 4111 1111 1111 1111")]
    public async Task Reject_BadReason_Is400AndLeavesItPending(string reason)
    {
        var review = await fixture.PendingReviewAsync(await fixture.NewProductAsync());

        using var response = await fixture.Client.PostAsJsonAsync($"/reviews/{review.Id}/reject", new RejectReviewRequest(reason),
            CommerceJson.Options);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("4111", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(await fixture.Sql.EventsAsync("review", review.Id));
    }

    [Fact]
    public async Task Approve_StaleIfMatch_Is409AndCountsNothing()
    {
        var productId = await fixture.NewProductAsync();
        var review = await fixture.PendingReviewAsync(productId);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/reviews/{review.Id}/approve");
        request.Headers.TryAddWithoutValidation("If-Match", "\"7\"");

        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(0, (await fixture.RatingAsync(productId))!.Count);
    }

    [Fact]
    public async Task Approve_UnknownReview_Is404()
    {
        using var response = await fixture.Client.PostAsync($"/reviews/{Guid.NewGuid()}/approve", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Pending_ListsOldestFirstInPages()
    {
        var productId = await fixture.NewProductAsync();
        var reviews = new List<ReviewResponse>();
        for (var i = 0; i < 3; i++)
        {
            reviews.Add(await fixture.PendingReviewAsync(productId));
            fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var all = new List<ReviewResponse>();
        for (var page = 1; ; page++)
        {
            var listed = await ReviewFixture.ReadAsync<ReviewPage>(await fixture.Client.GetAsync($"/reviews/pending?page={page}&pageSize=2"));
            all.AddRange(listed.Items);
            if (listed.Items.Count < 2)
            {
                break;
            }
        }

        var ours = all.Where(r => r.ProductId == productId).Select(r => r.Id).ToList();
        Assert.Equal(reviews.Select(r => r.Id), ours);
        Assert.Equal(all.OrderBy(r => r.SubmittedAt).Select(r => r.Id), all.Select(r => r.Id));
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Client.GetAsync("/reviews/pending?pageSize=1000")).StatusCode);
    }
}
