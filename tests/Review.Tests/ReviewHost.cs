global using Commerce.Host.Testing;
using System.Net;
using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Order.Contracts;
using Commerce.Product.Contracts;
using Commerce.Review.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Review.Tests;

/// <summary>A settable clock: the flooding window slides by moving time, not by waiting.</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}

/// <summary>
/// Review with Customer (customers register and sign in for real, and their events reach Review's cache as in
/// production) on one test class's database. Order's and Product's events are delivered to Review's inbox as their
/// dispatchers deliver them (with the publisher's token), so a test says exactly what Review has heard.
/// </summary>
public class ReviewFixture : ContextFixture
{
    public ManualClock Clock { get; } = new();

    protected override string Contexts => "Review,Customer";

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    /// <summary>A newly registered customer and a client signed in as them.</summary>
    public async Task<(Guid Id, HttpClient Client)> NewCustomerAsync(string name = "Reviewer Rita")
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        using var response = await Anonymous.PostAsJsonAsync("/customers",
            new RegisterCustomerRequest(name, email, Password: TestIdentity.CustomerPassword), CommerceJson.Options);
        response.EnsureSuccessStatusCode();
        var customer = (await response.Content.ReadFromJsonAsync<CustomerResponse>(CommerceJson.Options))!;
        return (customer.Id, await App.CustomerClientAsync(email));
    }

    public EventEnvelope Envelope<TEvent>(string source, Guid aggregateId, int version, TEvent payload) =>
        TestSupport.Envelope(source, aggregateId.ToString(), version, payload) with { OccurredAt = Clock.GetUtcNow() };

    public async Task DeliverAsync<TEvent>(string source, Guid aggregateId, int version, TEvent payload) =>
        Assert.Equal(InboxOutcome.Processed, await Client.DeliverAsync("review", Envelope(source, aggregateId, version, payload)));

    /// <summary>A product as Product announces it (ProductCreated, version 1).</summary>
    public async Task<Guid> NewProductAsync(string name = "Review test product", Guid? sellerId = null)
    {
        var id = Guid.NewGuid();
        await DeliverAsync("Product", id, 1, new ProductCreated(id, $"REV-{id:N}"[..20], name, "Tests", 10m, "USD", sellerId));
        return id;
    }

    /// <summary>An order of <paramref name="customerId"/> holding <paramref name="productIds"/>: created, and delivered unless told otherwise.</summary>
    public async Task<Guid> NewOrderAsync(Guid customerId, bool delivered = true, params Guid[] productIds)
    {
        var orderId = Guid.NewGuid();
        await DeliverAsync("Order", orderId, 1, new OrderCreated(orderId, customerId,
            [.. productIds.Select(p => new OrderLine(p, "SKU", "Ordered product", 10m, 1))], 10m * productIds.Length, "USD"));
        if (delivered)
        {
            await DeliverAsync("Order", orderId, 5, new OrderDelivered(orderId, customerId));
        }

        return orderId;
    }

    public static Task<HttpResponseMessage> SubmitAsync(HttpClient client, Guid orderId, Guid productId, int rating = 4,
        string title = "Does the job", string text = "Works as described.", IReadOnlyList<string>? imageUrls = null) =>
        client.PostAsJsonAsync("/reviews", new SubmitReviewRequest(orderId, productId, rating, title, text, imageUrls), CommerceJson.Options);

    /// <summary>A pending review by a new customer of <paramref name="productId"/> from a delivered order of theirs.</summary>
    public async Task<ReviewResponse> PendingReviewAsync(Guid productId, int rating = 4)
    {
        var (customerId, client) = await NewCustomerAsync();
        var orderId = await NewOrderAsync(customerId, true, productId);
        using var response = await SubmitAsync(client, orderId, productId, rating);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ReviewResponse>(CommerceJson.Options))!;
    }

    public async Task<ReviewResponse> ApproveAsync(Guid reviewId)
    {
        using var response = await Client.PostAsync($"/reviews/{reviewId}/approve", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ReviewResponse>(CommerceJson.Options))!;
    }

    public Task<RatingSummary?> RatingAsync(Guid productId) =>
        Anonymous.GetFromJsonAsync<RatingSummary>($"/reviews/products/{productId}/rating", CommerceJson.Options);

    /// <summary>Polls <paramref name="condition"/> (an event crossing the outbox) for up to ten seconds.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>(CommerceJson.Options))!;
}
