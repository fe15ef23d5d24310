using Commerce.Customer.Contracts;
using Commerce.Notification.Contracts;
using Commerce.Promotion.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ShoppingCart.Contracts;
using Refit;

namespace Commerce.Notification.Tests;

/// <summary>The shop's events that reach a customer: an abandoned cart's reminder and a win-back coupon.</summary>
public sealed class ShopEventTests(NotificationFixture fixture) : IClassFixture<NotificationFixture>
{
    private readonly INotificationApi api = RestService.For<INotificationApi>(
        fixture.Client, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    [Fact]
    public async Task CartAbandonedThenCouponIssued_EachSentOnceOverTheCustomersChannel()
    {
        var customerId = Guid.NewGuid();
        await fixture.Client.DeliverAsync("notification", TestSupport.Envelope("Customer", customerId.ToString(), 1,
            new CustomerRegistered(customerId, "Ada", $"{customerId:N}@example.com", null, MembershipLevel.Standard,
                new CustomerPreferences("en", "USD", [NotificationChannel.Email]))));
        var cartId = Guid.NewGuid();
        var abandoned = TestSupport.Envelope("ShoppingCart", cartId.ToString(), 3,
            new CartAbandoned(cartId, customerId, 2, 59.00m, "USD", DateTimeOffset.UtcNow.AddDays(-1)));

        await fixture.Client.DeliverAsync("notification", abandoned);
        await fixture.Client.DeliverAsync("notification", abandoned);
        await fixture.Client.DeliverAsync("notification", TestSupport.Envelope("Promotion", "WB-ABCDEFGHJK", 1,
            new CouponIssued(Guid.NewGuid(), "WB-ABCDEFGHJK", customerId, "Come back: 15 % off", new DateTimeOffset(2031, 1, 31, 0, 0, 0, TimeSpan.Zero))));

        var sent = await api.ListNotificationsAsync(customerId);
        Assert.Equal(2, sent.Count);
        Assert.Contains(sent, n => n.Body == "Hi Ada, you left 2 item(s) worth 59.00 USD in your cart.");
        Assert.Contains(sent, n => n.Body == "Hi Ada, use WB-ABCDEFGHJK for Come back: 15 % off until 2031-01-31.");
    }
}
