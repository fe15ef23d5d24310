using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Notification.Contracts;
using Commerce.Order.Contracts;
using Commerce.ServiceDefaults;
using Refit;

namespace Commerce.Notification.Tests;

/// <summary>
/// Values (a customer's name, a request's data, an event's reason) are text, whatever they contain: escaped for the
/// channel they go out on, so they can neither add markup to an e-mail nor forge lines or reverse text in an SMS.
/// </summary>
public sealed class TemplateEscapingTests(NotificationFixture fixture) : IClassFixture<NotificationFixture>
{
    /// <summary>Markup, a forged line after CR LF, and a right-to-left override.</summary>
    private const string HostileName = "Eve<script>alert(1)</script>\r\nYour account is locked\u202Ecall us";

    private readonly INotificationApi api = RestService.For<INotificationApi>(
        fixture.Client, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    [Fact]
    public async Task Send_HostileCustomerNameAndValue_EscapedForEachChannel()
    {
        var customerId = await RegisterAsync(HostileName);
        var key = $"escaping-{Guid.NewGuid():N}";
        await api.PutTemplateAsync(key, new TemplateRequest("Hello {{customerName}}", "Dear {{customerName}}: {{note}}"));

        var queued = await api.SendAsync(new SendNotificationRequest(customerId, key,
            new Dictionary<string, string> { ["note"] = "<a href=\"https://evil.example\">pay here</a>\nBank: 0000" }));

        var email = Assert.Single(queued, n => n.Channel == DeliveryChannel.Email);
        var sms = Assert.Single(queued, n => n.Channel == DeliveryChannel.Sms);
        // Plain text (the e-mail subject is a header; SMS is shown as written): the characters stay, the line breaks
        // and the direction override do not.
        Assert.Equal("Hello Eve<script>alert(1)</script>  Your account is lockedcall us", email.Subject);
        Assert.Equal(email.Subject, sms.Subject);
        Assert.Equal(
            "Dear Eve<script>alert(1)</script>  Your account is lockedcall us: <a href=\"https://evil.example\">pay here</a> Bank: 0000",
            sms.Body);
        // HTML: no markup from a value survives.
        Assert.DoesNotContain("<", email.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"", email.Body, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", email.Body, StringComparison.Ordinal);
        Assert.Contains("&lt;a href=", email.Body, StringComparison.Ordinal);
        Assert.All(queued, n => Assert.DoesNotContain(n.Subject + n.Body, c => char.IsControl(c) || c == '\u202E'));
    }

    [Fact]
    public async Task OrderCancelled_ReasonWithMarkup_IsEncodedInTheEmailBody()
    {
        var customerId = await RegisterAsync("Ada");
        var orderId = Guid.NewGuid();

        await fixture.Client.DeliverAsync("notification", TestSupport.Envelope("Order", orderId.ToString(), 2,
            new OrderCancelled(orderId, customerId, OrderStatus.Submitted, "<img src=x onerror=alert(1)>")));

        var email = Assert.Single(await api.ListNotificationsAsync(customerId), n => n.Channel == DeliveryChannel.Email);
        Assert.Equal($"Hi Ada, your order {orderId} was cancelled: &lt;img src=x onerror=alert(1)&gt;.", email.Body);
    }

    private async Task<Guid> RegisterAsync(string name)
    {
        var customerId = Guid.NewGuid();
        await fixture.Client.DeliverAsync("notification", TestSupport.Envelope("Customer", customerId.ToString(), 1,
            new CustomerRegistered(customerId, name, $"{customerId:N}@example.com", "+15550000009", MembershipLevel.Standard,
                new CustomerPreferences("en", "USD", [NotificationChannel.Email, NotificationChannel.Sms]))));
        return customerId;
    }
}
