using System.Net;
using System.Net.Http.Json;
using System.Text;
using Commerce.Customer.Contracts;
using Commerce.Notification.Channels;
using Commerce.Notification.Contracts;
using Commerce.Notification.Sending;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace Commerce.Notification.Tests;

/// <summary>Quick polling and retries so a failing channel exhausts its attempts in well under a second.</summary>
public sealed class FastRetryFixture : NotificationFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Notification:Delivery:PollInterval"] = "00:00:00.050",
        ["Notification:Delivery:RetryBaseDelay"] = "00:00:00.020",
        ["Notification:Delivery:MaxAttempts"] = "3",
    };
}

public sealed class NotificationTests(FastRetryFixture fixture) : IClassFixture<FastRetryFixture>
{
    private readonly INotificationApi api = RestService.For<INotificationApi>(
        fixture.Client, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    [Fact]
    public async Task OrderConfirmed_SendsOnEachPreferredChannel_WithRenderedTemplate()
    {
        var customerId = await RegisterAsync("Ada", "ada@example.com", "+15550000001", NotificationChannel.Email, NotificationChannel.Sms);
        var orderId = Guid.NewGuid();

        var log = await UntilSettledAsync(customerId, 2, () =>
            fixture.Client.DeliverAsync("notification", TestSupport.Envelope("Order", orderId.ToString(), 3, new OrderConfirmed(orderId, customerId))));

        Assert.All(log, n => Assert.Equal(DeliveryStatus.Sent, n.Status));
        Assert.Equal([DeliveryChannel.Email, DeliveryChannel.Sms], log.Select(n => n.Channel).Order());
        var sent = (await api.ListSentMessagesAsync()).Where(m => log.Any(n => n.Id == m.NotificationId)).ToList();
        Assert.Equal(["+15550000001", "ada@example.com"], sent.Select(m => m.Recipient).Order());
        Assert.All(sent, m => Assert.Equal($"Hi Ada, your order {orderId} is confirmed.", m.Body));
        foreach (var notification in log)
        {
            Assert.Equal(nameof(NotificationSent), Assert.Single(await fixture.Sql.EventsAsync("notification", notification.Id)).Type);
        }
    }

    [Fact]
    public async Task OrderEvent_DeliveredTwice_NotifiesOnce()
    {
        var customerId = await RegisterAsync("Bo", "bo@example.com", null, NotificationChannel.Email);
        var orderId = Guid.NewGuid();
        var envelope = TestSupport.Envelope("Order", orderId.ToString(), 5, new OrderShipped(orderId, customerId, null));

        await UntilSettledAsync(customerId, 1, () => fixture.Client.DeliverAsync("notification", envelope));
        var again = await fixture.Client.DeliverAsync("notification", envelope);

        Assert.Equal(InboxOutcome.Duplicate, again);
        Assert.Single(await api.ListNotificationsAsync(customerId));
    }

    [Fact]
    public async Task Preferences_AreRespected_NoChannelsMeansNoMessages()
    {
        var quiet = await RegisterAsync("Quiet", "quiet@example.com", "+15550000002");
        var pushOnly = await RegisterAsync("Pusher", "push@example.com", "+15550000003", NotificationChannel.Push);
        var orderId = Guid.NewGuid();

        var log = await UntilSettledAsync(pushOnly, 1, async () =>
        {
            await fixture.Client.DeliverAsync("notification", TestSupport.Envelope("Order", orderId.ToString(), 4, new OrderDelivered(orderId, quiet)));
            await fixture.Client.DeliverAsync("notification", TestSupport.Envelope("Order", orderId.ToString(), 5, new OrderDelivered(orderId, pushOnly)));
        });

        Assert.Empty(await api.ListNotificationsAsync(quiet));
        var push = Assert.Single(log);
        Assert.Equal((DeliveryChannel.Push, pushOnly.ToString()), (push.Channel, push.Recipient));
    }

    [Fact]
    public async Task CustomerProfileUpdated_OlderAfterNewer_IsIgnored()
    {
        var customerId = await RegisterAsync("Cy", "old@example.com", null, NotificationChannel.Email);
        var preferences = new CustomerPreferences("en", "USD", [NotificationChannel.Email]);
        await fixture.Client.DeliverAsync("notification", TestSupport.Envelope("Customer", customerId.ToString(), 3,
            new CustomerProfileUpdated(customerId, "Cy", "new@example.com", null, preferences)));

        var stale = await fixture.Client.DeliverAsync("notification", TestSupport.Envelope("Customer", customerId.ToString(), 2,
            new CustomerProfileUpdated(customerId, "Cy", "older@example.com", null, preferences)));
        var queued = await api.SendAsync(new SendNotificationRequest(customerId, TemplateKeys.OrderConfirmed));

        Assert.Equal(InboxOutcome.Stale, stale);
        Assert.Equal("new@example.com", Assert.Single(queued).Recipient);
    }

    [Fact]
    public async Task FailingRecipient_IsRetriedWithBackoffThenFailsWithEvent()
    {
        var customerId = await RegisterAsync("Dee", "fail@example.com", null, NotificationChannel.Email);

        var log = await UntilSettledAsync(customerId, 1, () => api.SendAsync(new SendNotificationRequest(customerId, TemplateKeys.OrderCancelled,
            new Dictionary<string, string> { ["orderId"] = "o-1", ["reason"] = "out of stock" })));

        var failed = Assert.Single(log);
        Assert.Equal((DeliveryStatus.Failed, 3), (failed.Status, failed.Attempts));
        Assert.Null(failed.NextAttemptAt);
        Assert.NotNull(failed.LastError);
        var (type, _, payload) = Assert.Single(await fixture.Sql.EventsAsync("notification", failed.Id));
        Assert.Equal((nameof(NotificationFailed), 3), (type, payload.GetProperty("attempts").GetInt32()));
    }

    [Fact]
    public async Task ChannelOutage_FirstAttemptFails_RetrySucceedsAfterRecovery()
    {
        var customerId = await RegisterAsync("Eve", "eve@example.com", "+15550000004", NotificationChannel.Sms);
        var dispatcher = fixture.App.Services.GetRequiredService<NotificationDispatcher>();
        var firstAttempt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnAttempted(Guid id, DeliveryStatus status) => firstAttempt.TrySetResult();

        await api.SetChannelFailureAsync(DeliveryChannel.Sms, new ChannelFailureRequest(true));
        IReadOnlyList<NotificationResponse> queued;
        dispatcher.Attempted += OnAttempted;
        try
        {
            queued = await api.SendAsync(new SendNotificationRequest(customerId, TemplateKeys.OrderShipped, Channel: DeliveryChannel.Sms));
            await firstAttempt.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            dispatcher.Attempted -= OnAttempted;
            await api.SetChannelFailureAsync(DeliveryChannel.Sms, new ChannelFailureRequest(false));
        }

        var log = await UntilSettledAsync(customerId, 1, () => Task.CompletedTask);

        var sent = Assert.Single(log);
        Assert.Equal(queued[0].Id, sent.Id);
        Assert.Equal(DeliveryStatus.Sent, sent.Status);
        Assert.True(sent.Attempts >= 2, $"attempts: {sent.Attempts}");
    }

    [Fact]
    public async Task PassDiedBetweenSendingAndRecording_ResentAfterItsClaimUnderTheSameKey_ProviderDeliversOnce()
    {
        var customerId = await RegisterAsync("Kit", "kit@example.com", null, NotificationChannel.Email);
        var message = new NotificationMessage
        {
            Id = Guid.CreateVersion7(),
            CustomerId = customerId,
            TemplateKey = TemplateKeys.OrderShipped,
            Channel = DeliveryChannel.Email,
            Recipient = "kit@example.com",
            Subject = "Shipped",
            Body = "On its way.",
            IdempotencyKey = Guid.NewGuid().ToString(),
            CreatedAt = DateTimeOffset.UtcNow,
        };
        var email = fixture.App.Services.GetServices<INotificationChannel>().Single(c => c.Channel == DeliveryChannel.Email);

        // What the dead pass left: the provider has the message; the row is claimed (attempt 1) and the claim has run out.
        await email.SendAsync(message, CancellationToken.None);
        var log = await UntilSettledAsync(customerId, 1, () => fixture.Sql.ScalarAsync<int>(
            """
            INSERT INTO notification.notifications
                (id, customer_id, template_key, channel, recipient, subject, body, status, attempts, idempotency_key, created_at, next_attempt_at, version)
            VALUES ($1, $2, $3, 'Email', $4, $5, $6, 'Pending', 1, $7, now(), now(), 2)
            RETURNING 1
            """,
            message.Id, customerId, message.TemplateKey, message.Recipient, message.Subject, message.Body, message.IdempotencyKey));

        var sent = Assert.Single(log);
        Assert.Equal((message.Id, DeliveryStatus.Sent, 2), (sent.Id, sent.Status, sent.Attempts));
        Assert.Single(await api.ListSentMessagesAsync(), m => m.NotificationId == message.Id);
    }

    [Fact]
    public async Task PaymentFailed_NotifiesWithAmountAndCode()
    {
        var customerId = await RegisterAsync("Flo", "flo@example.com", null, NotificationChannel.Email);
        var paymentId = Guid.NewGuid();

        var log = await UntilSettledAsync(customerId, 1, () => fixture.Client.DeliverAsync("notification", TestSupport.Envelope("Payment", paymentId.ToString(), 1,
            new PaymentFailed(paymentId, Guid.NewGuid(), customerId, 12.5m, "EUR", PaymentFailureCodes.InsufficientFunds))));

        Assert.Contains("12.50 EUR", Assert.Single(log).Body, StringComparison.Ordinal);
        Assert.Contains(PaymentFailureCodes.InsufficientFunds, log[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomerDeleted_StopsNotificationsAndDropsContactData()
    {
        var customerId = await RegisterAsync("Hal", "hal@example.com", null, NotificationChannel.Email);
        await fixture.Client.DeliverAsync("notification", TestSupport.Envelope("Customer", customerId.ToString(), 4, new CustomerDeleted(customerId)));
        var orderId = Guid.NewGuid();

        var outcome = await fixture.Client.DeliverAsync("notification", TestSupport.Envelope("Order", orderId.ToString(), 3, new OrderConfirmed(orderId, customerId)));

        Assert.Equal(InboxOutcome.Processed, outcome);
        Assert.Empty(await api.ListNotificationsAsync(customerId));
        Assert.Equal(0, await fixture.Sql.CountAsync("notification.customer_contacts", "email LIKE '%hal@%'"));
    }

    [Fact]
    public async Task Send_SameIdempotencyKeyTwice_QueuesOnce()
    {
        var customerId = await RegisterAsync("Ivy", "ivy@example.com", null, NotificationChannel.Email);
        var request = new SendNotificationRequest(customerId, TemplateKeys.OrderDelivered, IdempotencyKey: Guid.NewGuid().ToString());

        var first = await api.SendAsync(request);
        var second = await api.SendAsync(request);

        Assert.Equal(first.Select(n => n.Id), second.Select(n => n.Id));
        Assert.Single(await api.ListNotificationsAsync(customerId));
    }

    [Theory]
    [InlineData("""{"customerId":"00000000-0000-0000-0000-000000000000","templateKey":"order-confirmed"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"customerId":"5d7c1f7e-0000-4000-8000-000000000001","templateKey":""}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"customerId":"5d7c1f7e-0000-4000-8000-000000000001","templateKey":"order-confirmed","channel":"Fax"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"customerId":"5d7c1f7e-0000-4000-8000-000000000001","templateKey":"order-confirmed"}""", HttpStatusCode.UnprocessableEntity)]
    public async Task Send_Invalid_IsRejectedAndWritesNothing(string body, HttpStatusCode expected)
    {
        var before = await fixture.Sql.CountAsync("notification.notifications");

        var response = await fixture.Client.PostAsync("/notifications", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(before, await fixture.Sql.CountAsync("notification.notifications"));
    }

    [Fact]
    public async Task Templates_CreateEditAndVersionConflict()
    {
        var key = $"promo-{Guid.NewGuid():N}";

        var created = await fixture.Client.PutAsJsonAsync($"/notifications/templates/{key}", new TemplateRequest("Hi {{customerName}}", "Sale!"), CommerceJson.Options);
        var edited = await api.PutTemplateAsync(key, new TemplateRequest("Hello {{customerName}}", "Sale!"), "\"1\"");
        var stale = await fixture.Client.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/notifications/templates/{key}")
        {
            Content = JsonContent.Create(new TemplateRequest("Lost", "Lost"), options: CommerceJson.Options),
            Headers = { { "If-Match", "\"1\"" } },
        });
        var badKey = await fixture.Client.PutAsJsonAsync("/notifications/templates/Bad Key", new TemplateRequest("s", "b"), CommerceJson.Options);
        var missing = await fixture.Client.GetAsync("/notifications/templates/no-such-template");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(("Hello {{customerName}}", 2), (edited.Subject, edited.Version));
        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.BadRequest, HttpStatusCode.NotFound), (stale.StatusCode, badKey.StatusCode, missing.StatusCode));
        Assert.Equal("Hello {{customerName}}", (await api.GetTemplateAsync(key)).Subject);
        Assert.Contains(await api.ListTemplatesAsync(), t => t.Key == TemplateKeys.PaymentFailed);
    }

    private async Task<Guid> RegisterAsync(string name, string email, string? phone, params NotificationChannel[] channels)
    {
        var customerId = Guid.NewGuid();
        await fixture.Client.DeliverAsync("notification", TestSupport.Envelope("Customer", customerId.ToString(), 1,
            new CustomerRegistered(customerId, name, email, phone, MembershipLevel.Standard, new CustomerPreferences("en", "USD", channels))));
        return customerId;
    }

    /// <summary>
    /// Runs <paramref name="act"/>, then waits — on the dispatcher's attempt notifications, not by sleeping — until
    /// <paramref name="count"/> of the customer's notifications are Sent or Failed; returns the customer's log.
    /// </summary>
    private async Task<List<NotificationResponse>> UntilSettledAsync(Guid customerId, int count, Func<Task> act)
    {
        var dispatcher = fixture.App.Services.GetRequiredService<NotificationDispatcher>();
        using var attempted = new SemaphoreSlim(0);
        void OnAttempted(Guid id, DeliveryStatus status) => attempted.Release();
        dispatcher.Attempted += OnAttempted;
        try
        {
            await act();
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (true)
            {
                var log = await api.ListNotificationsAsync(customerId);
                if (log.Count(n => n.Status != DeliveryStatus.Pending) >= count)
                {
                    return [.. log];
                }

                var remaining = deadline - DateTime.UtcNow;
                Assert.True(remaining > TimeSpan.Zero, $"Only {log.Count(n => n.Status != DeliveryStatus.Pending)} of {count} notifications settled.");
                await attempted.WaitAsync(remaining);
            }
        }
        finally
        {
            dispatcher.Attempted -= OnAttempted;
        }
    }
}
