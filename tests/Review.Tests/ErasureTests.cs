using System.Net;
using Commerce.Customer.Contracts;
using Commerce.Review.Contracts;
using Commerce.ServiceDefaults.Messaging;

namespace Commerce.Review.Tests;

/// <summary>Customers' display names in Review: shown on their reviews, renamed with them, erased with them.</summary>
public sealed class ErasureTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    [Fact]
    public async Task CustomerDeleted_ErasesTheNameFromTheCacheAndEveryReview()
    {
        var (customerId, client) = await fixture.NewCustomerAsync("Erin Erasable");
        var productId = await fixture.NewProductAsync();
        var orderId = await fixture.NewOrderAsync(customerId, true, productId);
        var review = await ReviewFixture.ReadAsync<ReviewResponse>(await ReviewFixture.SubmitAsync(client, orderId, productId));
        await fixture.ApproveAsync(review.Id);
        await ReviewFixture.EventuallyAsync(async () => await AuthorAsync(productId) == "Erin Erasable", "the author's name");

        using var deleted = await client.DeleteAsync($"/customers/{customerId}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await ReviewFixture.EventuallyAsync(async () => await AuthorAsync(productId) == "Former customer", "the name to be erased");
        Assert.Equal(0, await fixture.Sql.CountAsync("review.reviews", "author_name LIKE '%Erin%'"));
        Assert.Equal(0, await fixture.Sql.CountAsync("review.customers", "name LIKE '%Erin%'"));
        Assert.Equal(1, await fixture.Sql.CountAsync("review.customers", "customer_id = $1 AND deleted", customerId));
    }

    [Fact]
    public async Task CustomerDeleted_AnOlderProfileEventArrivingLate_DoesNotBringTheNameBack()
    {
        var customerId = Guid.NewGuid();
        await fixture.DeliverAsync("Customer", customerId, 3, new CustomerDeleted(customerId));

        var outcome = await fixture.Client.DeliverAsync("review", fixture.Envelope("Customer", customerId, 2,
            new CustomerProfileUpdated(customerId, "Late Larry", "larry@example.com", null, new CustomerPreferences("en", "USD", []))));

        Assert.Equal(InboxOutcome.Stale, outcome);
        Assert.Equal(0, await fixture.Sql.CountAsync("review.customers", "name = 'Late Larry'"));
    }

    private async Task<string?> AuthorAsync(Guid productId)
    {
        var page = await ReviewFixture.ReadAsync<PublishedReviewPage>(await fixture.Anonymous.GetAsync($"/reviews/products/{productId}"));
        return page.Items.SingleOrDefault()?.AuthorName;
    }
}
