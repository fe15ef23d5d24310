using Commerce.Customer.Contracts;
using Commerce.Notification.Contracts;
using Commerce.Review.Contracts;
using Commerce.Seller.Contracts;
using Commerce.ServiceDefaults;
using Refit;

namespace Commerce.Notification.Tests;

/// <summary>
/// Seller's events: the seller contact cache (by seller version, whatever the order) and the low-stock e-mail to the
/// seller; Review's rejection e-mail to the customer.
/// </summary>
public sealed class SellerAndReviewEventTests(NotificationFixture fixture) : IClassFixture<NotificationFixture>
{
    private readonly INotificationApi api = RestService.For<INotificationApi>(
        fixture.Client, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    [Fact]
    public async Task SellerStockLow_EmailsTheSellersCurrentContact_OncePerAlert()
    {
        var (sellerId, accountId) = (Guid.NewGuid(), Guid.NewGuid());
        await DeliverSellerAsync(sellerId, 1, new SellerRegistered(sellerId, State(accountId, "Babbage & Co", "old@babbage.example.com")));
        await DeliverSellerAsync(sellerId, 2, new SellerProfileUpdated(sellerId, State(accountId, "Babbage & Sons", "new@babbage.example.com")));
        // A late copy of the registration, under a new event id, must not bring the old address back.
        await DeliverSellerAsync(sellerId, 1, new SellerRegistered(sellerId, State(accountId, "Babbage & Co", "old@babbage.example.com")));
        var alert = TestSupport.Envelope("Seller", sellerId.ToString(), 4,
            new SellerStockLow(sellerId, Guid.NewGuid(), "DEMO-ENGINE", "Difference <engine>", "WH-EAST", 2, 5));

        await fixture.Client.DeliverAsync("notification", alert);
        await fixture.Client.DeliverAsync("notification", alert);
        // Every alert is its own notice: one overtaken by a newer event of the seller's stream still goes out.
        await fixture.Client.DeliverAsync("notification", TestSupport.Envelope("Seller", sellerId.ToString(), 3,
            new SellerStockLow(sellerId, Guid.NewGuid(), "DEMO-LOOM", "Loom", "WH-WEST", 0, 1)));

        var sent = await api.ListNotificationsAsync(accountId);
        Assert.Equal(2, sent.Count);
        Assert.All(sent, n => Assert.Equal((TemplateKeys.SellerLowStock, DeliveryChannel.Email, "new@babbage.example.com"), (n.TemplateKey, n.Channel, n.Recipient)));
        Assert.Contains(sent, n => n.Subject == "Low stock: Difference <engine> (DEMO-ENGINE)"
            && n.Body == "Hi Babbage &amp; Sons, Difference &lt;engine&gt; (DEMO-ENGINE) is down to 2 in WH-EAST (reorder point 5).");
        Assert.Contains(sent, n => n.Body == "Hi Babbage &amp; Sons, Loom (DEMO-LOOM) is down to 0 in WH-WEST (reorder point 1).");
    }

    [Fact]
    public async Task SellerEvents_InAnyOrder_LeaveTheNewestContact()
    {
        var (sellerId, accountId) = (Guid.NewGuid(), Guid.NewGuid());

        await DeliverSellerAsync(sellerId, 3, new SellerProfileUpdated(sellerId, State(accountId, "Shop", "three@example.com")));
        await DeliverSellerAsync(sellerId, 2, new SellerProfileUpdated(sellerId, State(accountId, "Shop", "two@example.com")));
        await DeliverSellerAsync(sellerId, 1, new SellerRegistered(sellerId, State(accountId, "Shop", "one@example.com")));

        var rows = await fixture.Sql.RowsAsync("SELECT contact_email, status, source_version FROM notification.seller_contacts WHERE seller_id = $1", sellerId);
        Assert.Equal(new object?[] { "three@example.com", "Active", 3 }, Assert.Single(rows));
    }

    [Fact]
    public async Task SellerStockLow_ForASellerNotCachedYet_FailsSoSellerRetries()
    {
        var sellerId = Guid.NewGuid();

        using var response = await fixture.Client.PostEnvelopeAsync("notification", TestSupport.Envelope("Seller", sellerId.ToString(), 1,
            new SellerStockLow(sellerId, Guid.NewGuid(), "SKU-1", "Thing", "WH-EAST", 0, 1)));

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal(0, await fixture.Sql.CountAsync("notification.inbox_events", "source = 'Seller' AND type = 'SellerStockLow'"));
    }

    [Fact]
    public async Task ReviewRejected_EmailsTheCustomerTheReason()
    {
        var customerId = Guid.NewGuid();
        await fixture.Client.DeliverAsync("notification", TestSupport.Envelope("Customer", customerId.ToString(), 1,
            new CustomerRegistered(customerId, "Ada", $"{customerId:N}@example.com", null, MembershipLevel.Standard,
                new CustomerPreferences("en", "USD", [NotificationChannel.Email]))));
        var rejected = TestSupport.Envelope("Review", Guid.NewGuid().ToString(), 2,
            new ReviewRejected(Guid.NewGuid(), Guid.NewGuid(), customerId, "Analytical Engine", "Off-topic"));

        await fixture.Client.DeliverAsync("notification", rejected);
        await fixture.Client.DeliverAsync("notification", rejected);

        var sent = Assert.Single(await api.ListNotificationsAsync(customerId));
        Assert.Equal((TemplateKeys.ReviewRejected, $"{customerId:N}@example.com"), (sent.TemplateKey, sent.Recipient));
        Assert.Equal("Your review of Analytical Engine", sent.Subject);
        Assert.Equal("Hi Ada, your review of Analytical Engine was not published: Off-topic.", sent.Body);
    }

    private static SellerState State(Guid accountId, string name, string email, SellerStatus status = SellerStatus.Active) =>
        new(accountId, name, email, status);

    private Task<Commerce.ServiceDefaults.Messaging.InboxOutcome> DeliverSellerAsync<TEvent>(Guid sellerId, int version, TEvent payload) =>
        fixture.Client.DeliverAsync("notification", TestSupport.Envelope("Seller", sellerId.ToString(), version, payload));
}
