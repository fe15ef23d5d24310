using System.Net;
using System.Net.Http.Json;
using Commerce.Review.Contracts;
using Commerce.ServiceDefaults;

namespace Commerce.Review.Tests;

/// <summary>Replies by the product's seller or an operator, on approved reviews only.</summary>
public sealed class ReplyTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    [Fact]
    public async Task Reply_OperatorOnApprovedReview_IsShownWithTheReviewAndVersionsIt()
    {
        var productId = await fixture.NewProductAsync();
        var review = await fixture.PendingReviewAsync(productId);
        await fixture.ApproveAsync(review.Id);

        using var response = await fixture.Client.PostAsJsonAsync($"/reviews/{review.Id}/replies", new ReplyRequest(" Thanks for the review! "),
            CommerceJson.Options);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var replied = await ReviewFixture.ReadAsync<ReviewResponse>(response);
        Assert.Equal(3, replied.Version);
        var reply = Assert.Single(replied.Replies);
        Assert.Equal((ReplyAuthor.Operator, "Thanks for the review!"), (reply.Author, reply.Text));
        var published = await ReviewFixture.ReadAsync<PublishedReviewPage>(await fixture.Anonymous.GetAsync($"/reviews/products/{productId}"));
        Assert.Equal("Thanks for the review!", Assert.Single(Assert.Single(published.Items).Replies).Text);
        // A reply publishes nothing: Product and Customer have no use for it.
        Assert.Equal(["ReviewSubmitted", "ReviewApproved"], (await fixture.Sql.EventsAsync("review", review.Id)).Select(e => e.Type));
    }

    [Fact]
    public async Task Reply_TheProductsSeller_IsSignedWithTheSellersNameAndAnotherSellerGets404()
    {
        var seller = await fixture.App.SellerFromEventAsync("Kettle Corner", subscribers: "review");
        var stranger = await fixture.App.SellerFromEventAsync("Other Shop", subscribers: "review");
        var productId = await fixture.NewProductAsync(sellerId: seller.SellerId);
        var review = await fixture.PendingReviewAsync(productId);
        await fixture.ApproveAsync(review.Id);

        using var others = await stranger.Client.PostAsJsonAsync($"/reviews/{review.Id}/replies", new ReplyRequest("Not mine"), CommerceJson.Options);
        using var unknown = await seller.Client.PostAsJsonAsync($"/reviews/{Guid.NewGuid()}/replies", new ReplyRequest("Nobody"), CommerceJson.Options);
        using var response = await seller.Client.PostAsJsonAsync($"/reviews/{review.Id}/replies", new ReplyRequest("Glad you like it"),
            CommerceJson.Options);

        Assert.Equal(HttpStatusCode.NotFound, others.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = Assert.Single((await ReviewFixture.ReadAsync<ReviewResponse>(response)).Replies);
        Assert.Equal((ReplyAuthor.Seller, "Kettle Corner", "Glad you like it"), (reply.Author, reply.AuthorName, reply.Text));
    }

    [Fact]
    public async Task Reply_SellerOnTheShopsOwnProduct_Is404()
    {
        var seller = await fixture.App.SellerFromEventAsync("Third Party", subscribers: "review");
        var review = await fixture.PendingReviewAsync(await fixture.NewProductAsync());
        await fixture.ApproveAsync(review.Id);

        using var response = await seller.Client.PostAsJsonAsync($"/reviews/{review.Id}/replies", new ReplyRequest("Hi"), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, await fixture.Sql.CountAsync("review.review_replies", "review_id = $1", review.Id));
    }

    [Fact]
    public async Task Reply_PendingReview_Is409()
    {
        var review = await fixture.PendingReviewAsync(await fixture.NewProductAsync());

        using var response = await fixture.Client.PostAsJsonAsync($"/reviews/{review.Id}/replies", new ReplyRequest("Too early"), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(0, await fixture.Sql.CountAsync("review.review_replies", "review_id = $1", review.Id));
    }

    [Fact]
    public async Task Reply_CustomerWithoutASellerAccount_Is403EvenAsTheAuthor()
    {
        var productId = await fixture.NewProductAsync(sellerId: Guid.NewGuid());
        var (customerId, client) = await fixture.NewCustomerAsync();
        var orderId = await fixture.NewOrderAsync(customerId, true, productId);
        var review = await ReviewFixture.ReadAsync<ReviewResponse>(await ReviewFixture.SubmitAsync(client, orderId, productId));
        await fixture.ApproveAsync(review.Id);

        using var response = await client.PostAsJsonAsync($"/reviews/{review.Id}/replies", new ReplyRequest("Me again"), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await fixture.Sql.CountAsync("review.review_replies", "review_id = $1", review.Id));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Call us, card 4111 1111 1111 1111")]
    public async Task Reply_BadText_Is400AndWritesNothing(string text)
    {
        var review = await fixture.PendingReviewAsync(await fixture.NewProductAsync());
        await fixture.ApproveAsync(review.Id);

        using var response = await fixture.Client.PostAsJsonAsync($"/reviews/{review.Id}/replies", new ReplyRequest(text), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await fixture.Sql.CountAsync("review.review_replies", "review_id = $1", review.Id));
    }

    [Fact]
    public async Task Reply_OverLongText_Is400()
    {
        var review = await fixture.PendingReviewAsync(await fixture.NewProductAsync());
        await fixture.ApproveAsync(review.Id);

        using var response = await fixture.Client.PostAsJsonAsync($"/reviews/{review.Id}/replies", new ReplyRequest(new string('a', 2001)),
            CommerceJson.Options);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
