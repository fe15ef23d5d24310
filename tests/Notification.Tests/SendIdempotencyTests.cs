using System.Net;
using System.Net.Http.Json;
using System.Text;
using Commerce.Customer.Contracts;
using Commerce.Notification.Contracts;
using Commerce.ServiceDefaults;
using Refit;
using ProblemDetails = Microsoft.AspNetCore.Mvc.ProblemDetails;

namespace Commerce.Notification.Tests;

/// <summary>
/// An idempotency key stands for one request: repeating that request answers what it queued, and the key sent with
/// anything else is refused — it must never hand one caller the messages another request queued.
/// </summary>
public sealed class SendIdempotencyTests(NotificationFixture fixture) : IClassFixture<NotificationFixture>
{
    private readonly INotificationApi api = RestService.For<INotificationApi>(
        fixture.Client, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    [Fact]
    public async Task Send_KeyReusedForAnotherCustomer_Returns409WithoutTheFirstCustomersMessages_AndWritesNothing()
    {
        var ada = await RegisterAsync("Ada", NotificationChannel.Email, NotificationChannel.Sms);
        var eve = await RegisterAsync("Eve", NotificationChannel.Email);
        var key = Guid.NewGuid().ToString();
        var data = new Dictionary<string, string> { ["orderId"] = "o-1" };
        var original = await api.SendAsync(new SendNotificationRequest(ada.Id, TemplateKeys.OrderConfirmed, data, IdempotencyKey: key));
        var before = await fixture.Sql.CountAsync("notification.notifications");

        var response = await fixture.Client.PostAsJsonAsync(
            "/notifications", new SendNotificationRequest(eve.Id, TemplateKeys.OrderConfirmed, data, IdempotencyKey: key), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.NotNull(await response.Content.ReadFromJsonAsync<ProblemDetails>());
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(ada.Email, body, StringComparison.Ordinal);
        Assert.All(original, message => Assert.DoesNotContain(message.Id.ToString(), body, StringComparison.Ordinal));
        Assert.Equal(before, await fixture.Sql.CountAsync("notification.notifications"));
        Assert.Empty(await api.ListNotificationsAsync(eve.Id));
    }

    [Theory]
    [InlineData("template")]
    [InlineData("values")]
    [InlineData("channel")]
    public async Task Send_KeyReusedWithAnotherRequestForTheSameCustomer_Returns409(string changed)
    {
        var ada = await RegisterAsync("Ada", NotificationChannel.Email, NotificationChannel.Sms);
        var first = new SendNotificationRequest(ada.Id, TemplateKeys.OrderConfirmed, new Dictionary<string, string> { ["orderId"] = "o-1" },
            IdempotencyKey: Guid.NewGuid().ToString());
        await api.SendAsync(first);

        var response = await fixture.Client.PostAsJsonAsync("/notifications", changed switch
        {
            "template" => first with { TemplateKey = TemplateKeys.OrderShipped },
            "values" => first with { Data = new Dictionary<string, string> { ["orderId"] = "o-2" } },
            _ => first with { Channel = DeliveryChannel.Sms },
        }, CommerceJson.Options);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(2, (await api.ListNotificationsAsync(ada.Id)).Count);
    }

    [Fact]
    public async Task Send_SameRequestAgain_ValuesInAnotherOrder_AnswersTheOriginalMessages()
    {
        var ada = await RegisterAsync("Ada", NotificationChannel.Email);
        var key = Guid.NewGuid().ToString();

        var first = await SendRawAsync($$"""{"customerId":"{{ada.Id}}","templateKey":"order-cancelled","data":{"orderId":"o-1","reason":"late"},"idempotencyKey":"{{key}}"}""");
        var again = await SendRawAsync($$"""{"customerId":"{{ada.Id}}","templateKey":"order-cancelled","data":{"reason":"late","orderId":"o-1"},"idempotencyKey":"{{key}}"}""");

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, again.StatusCode));
        var ids = (await first.Content.ReadFromJsonAsync<List<NotificationResponse>>(CommerceJson.Options))!.Select(n => n.Id);
        Assert.Equal(ids, (await again.Content.ReadFromJsonAsync<List<NotificationResponse>>(CommerceJson.Options))!.Select(n => n.Id));
        Assert.Single(await api.ListNotificationsAsync(ada.Id));
    }

    private Task<HttpResponseMessage> SendRawAsync(string body) =>
        fixture.Client.PostAsync("/notifications", new StringContent(body, Encoding.UTF8, "application/json"));

    private async Task<(Guid Id, string Email)> RegisterAsync(string name, params NotificationChannel[] channels)
    {
        var customerId = Guid.NewGuid();
        var email = $"{name.ToLowerInvariant()}-{customerId:N}@example.com";
        await fixture.Client.DeliverAsync("notification", TestSupport.Envelope("Customer", customerId.ToString(), 1,
            new CustomerRegistered(customerId, name, email, "+15550000001", MembershipLevel.Standard, new CustomerPreferences("en", "USD", channels))));
        return (customerId, email);
    }
}
