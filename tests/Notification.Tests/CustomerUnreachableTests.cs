using System.Net;
using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Notification.Contracts;
using Commerce.Order.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Refit;

namespace Commerce.Notification.Tests;

/// <summary>Notification whose Customer cannot be reached (nothing listens at its address).</summary>
public sealed class CustomerUnreachableFixture : NotificationFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Services:Customer:BaseUrl"] = "http://127.0.0.1:9",
    };
}

public sealed class CustomerUnreachableTests(CustomerUnreachableFixture fixture) : IClassFixture<CustomerUnreachableFixture>
{
    [Fact]
    public async Task OrderEvent_ForUncachedCustomerWhileCustomerIsDown_FailsSoThePublisherRetries()
    {
        var customerId = Guid.NewGuid();
        var orderId = Guid.NewGuid();
        var envelope = TestSupport.Envelope("Order", orderId.ToString(), 3, new OrderConfirmed(orderId, customerId));

        var early = await fixture.Client.PostEnvelopeAsync("notification", envelope);
        await fixture.Client.DeliverAsync("notification", TestSupport.Envelope("Customer", customerId.ToString(), 1,
            new CustomerRegistered(customerId, "Gus", "gus@example.com", null, MembershipLevel.Standard,
                new CustomerPreferences("en", "USD", [NotificationChannel.Email]))));
        var retried = await fixture.Client.DeliverAsync("notification", envelope);

        // Any failure status makes the publisher retry; an unreachable owner is a 503 with Retry-After, like every route's.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
        Assert.NotNull(early.Headers.RetryAfter);
        Assert.Equal(InboxOutcome.Processed, retried);
        var api = RestService.For<INotificationApi>(fixture.Client,
            new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });
        Assert.Single(await api.ListNotificationsAsync(customerId));
    }

    [Fact]
    public async Task Send_ForUncachedCustomerWhileCustomerIsDown_Answers503AndWritesNothing()
    {
        var before = await fixture.Sql.CountAsync("notification.notifications");

        var response = await fixture.Client.PostAsJsonAsync("/notifications",
            new SendNotificationRequest(Guid.NewGuid(), TemplateKeys.OrderConfirmed), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter is not null);
        Assert.Equal(before, await fixture.Sql.CountAsync("notification.notifications"));
    }
}
