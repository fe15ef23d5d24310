using System.Net;
using System.Text.Json;
using Commerce.Order.Contracts;
using Commerce.Review.Contracts;

namespace Commerce.Review.Tests;

/// <summary>Verified purchases only: a customer reviews a product of a delivered order of theirs, once per purchase.</summary>
public sealed class SubmitTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    [Fact]
    public async Task Submit_DeliveredOrderOfTheCaller_CreatesPendingReviewAndPublishesReviewSubmitted()
    {
        var (customerId, client) = await fixture.NewCustomerAsync("Rita Reviewer");
        var productId = await fixture.NewProductAsync("Trail shoes");
        var orderId = await fixture.NewOrderAsync(customerId, true, productId);

        using var response = await ReviewFixture.SubmitAsync(client, orderId, productId, 5, "  Great grip  ", "Light and sturdy.",
            ["https://img.example.com/shoe.jpg"]);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var review = await ReviewFixture.ReadAsync<ReviewResponse>(response);
        Assert.Equal((ReviewStatus.Pending, 5, "Great grip", "Trail shoes", customerId, orderId),
            (review.Status, review.Rating, review.Title, review.ProductName, review.CustomerId, review.OrderId));
        Assert.Equal(["https://img.example.com/shoe.jpg"], review.ImageUrls);
        Assert.Equal($"/reviews/{review.Id}", response.Headers.Location?.OriginalString);
        var submitted = Assert.Single(await fixture.Sql.EventsAsync("review", review.Id));
        Assert.Equal(("ReviewSubmitted", 1), (submitted.Type, submitted.Version));
        Assert.Equal((productId, customerId, orderId, 5), (submitted.Payload.GetProperty("productId").GetGuid(),
            submitted.Payload.GetProperty("customerId").GetGuid(), submitted.Payload.GetProperty("orderId").GetGuid(),
            submitted.Payload.GetProperty("rating").GetInt32()));
        // The author is the name Customer's CustomerRegistered gave Review (now, or once it arrives).
        await ReviewFixture.EventuallyAsync(async () =>
            (await ReviewFixture.ReadAsync<ReviewResponse>(await client.GetAsync($"/reviews/{review.Id}"))).AuthorName == "Rita Reviewer",
            "the author's name");
    }

    [Fact]
    public async Task Submit_DeliveryHeardBeforeTheOrder_IsStillAVerifiedPurchase()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var productId = await fixture.NewProductAsync();
        var orderId = Guid.NewGuid();

        await fixture.DeliverAsync("Order", orderId, 5, new OrderDelivered(orderId, customerId));
        await fixture.DeliverAsync("Order", orderId, 1, new OrderCreated(orderId, customerId, [new OrderLine(productId, "S", "P", 1m, 1)], 1m, "USD"));
        using var response = await ReviewFixture.SubmitAsync(client, orderId, productId);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Submit_OrderNotDelivered_Is422()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var productId = await fixture.NewProductAsync();
        var orderId = await fixture.NewOrderAsync(customerId, false, productId);

        using var response = await ReviewFixture.SubmitAsync(client, orderId, productId);

        await AssertNotVerifiedAsync(response);
    }

    [Fact]
    public async Task Submit_CancelledOrder_Is422()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var productId = await fixture.NewProductAsync();
        var orderId = await fixture.NewOrderAsync(customerId, false, productId);
        await fixture.DeliverAsync("Order", orderId, 3, new OrderCancelled(orderId, customerId, OrderStatus.Submitted, "changed my mind"));

        using var response = await ReviewFixture.SubmitAsync(client, orderId, productId);

        await AssertNotVerifiedAsync(response);
    }

    [Fact]
    public async Task Submit_AnotherCustomersDeliveredOrder_Is422LikeAnUnknownOrder()
    {
        var (ownerId, _) = await fixture.NewCustomerAsync();
        var (_, stranger) = await fixture.NewCustomerAsync();
        var productId = await fixture.NewProductAsync();
        var orderId = await fixture.NewOrderAsync(ownerId, true, productId);

        using var others = await ReviewFixture.SubmitAsync(stranger, orderId, productId);
        using var unknown = await ReviewFixture.SubmitAsync(stranger, Guid.NewGuid(), productId);

        var (othersBody, unknownBody) = (await AssertNotVerifiedAsync(others), await AssertNotVerifiedAsync(unknown));
        Assert.Equal(unknownBody, othersBody);
    }

    [Fact]
    public async Task Submit_ProductNotInTheOrder_Is422()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var (bought, other) = (await fixture.NewProductAsync(), await fixture.NewProductAsync());
        var orderId = await fixture.NewOrderAsync(customerId, true, bought);

        using var response = await ReviewFixture.SubmitAsync(client, orderId, other);

        await AssertNotVerifiedAsync(response);
    }

    [Fact]
    public async Task Submit_SecondReviewOfThePurchase_Is409AndOtherProductsOfTheOrderStillOpen()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var (first, second) = (await fixture.NewProductAsync(), await fixture.NewProductAsync());
        var orderId = await fixture.NewOrderAsync(customerId, true, first, second);
        using var created = await ReviewFixture.SubmitAsync(client, orderId, first);

        using var again = await ReviewFixture.SubmitAsync(client, orderId, first, 1, "Changed my mind", "Worse now.");
        using var sibling = await ReviewFixture.SubmitAsync(client, orderId, second);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.Created, sibling.StatusCode);
        Assert.Equal(1, await fixture.Sql.CountAsync("review.reviews", "order_id = $1 AND product_id = $2", orderId, first));
    }

    [Fact]
    public async Task Submit_ConcurrentDuplicates_OneIsCreatedTheRestConflict()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var productId = await fixture.NewProductAsync();
        var orderId = await fixture.NewOrderAsync(customerId, true, productId);

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => ReviewFixture.SubmitAsync(client, orderId, productId)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(4, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await fixture.Sql.CountAsync("review.reviews", "order_id = $1", orderId));
    }

    [Fact]
    public async Task Submit_AsOperator_Is403AndWritesNothing()
    {
        var productId = await fixture.NewProductAsync();
        var orderId = await fixture.NewOrderAsync(Guid.NewGuid(), true, productId);

        using var response = await ReviewFixture.SubmitAsync(fixture.Client, orderId, productId);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await fixture.Sql.CountAsync("review.reviews", "order_id = $1", orderId));
    }

    [Fact]
    public async Task GetAndList_OtherCustomer_Gets404ButTheAuthorAndOperatorsSeeIt()
    {
        var productId = await fixture.NewProductAsync();
        var (authorId, author) = await fixture.NewCustomerAsync();
        var (strangerId, stranger) = await fixture.NewCustomerAsync();
        var orderId = await fixture.NewOrderAsync(authorId, true, productId);
        var review = await ReviewFixture.ReadAsync<ReviewResponse>(await ReviewFixture.SubmitAsync(author, orderId, productId));

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/reviews/{review.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/reviews/customers/{authorId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Client.GetAsync($"/reviews/{review.Id}")).StatusCode);
        var own = await ReviewFixture.ReadAsync<ReviewPage>(await author.GetAsync($"/reviews/customers/{authorId}"));
        Assert.Equal(review.Id, Assert.Single(own.Items).Id);
        var strangers = await ReviewFixture.ReadAsync<ReviewPage>(await stranger.GetAsync($"/reviews/customers/{strangerId}"));
        Assert.Empty(strangers.Items);
        // Pending reviews are not published.
        var published = await ReviewFixture.ReadAsync<PublishedReviewPage>(await fixture.Anonymous.GetAsync($"/reviews/products/{productId}"));
        Assert.Empty(published.Items);
    }

    private static async Task<string> AssertNotVerifiedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        using var problem = JsonDocument.Parse(body);
        Assert.Equal("Verified purchases only", problem.RootElement.GetProperty("title").GetString());
        return problem.RootElement.GetProperty("detail").GetString()!;
    }
}
