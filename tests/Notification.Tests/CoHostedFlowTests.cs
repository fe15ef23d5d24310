using System.Net;
using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.Notification.Contracts;
using Commerce.Notification.Sending;
using Commerce.Payment.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;
using Commerce.Testing;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace Commerce.Notification.Tests;

/// <summary>
/// Customer, Payment and Notification co-hosted on a real port: events travel through the real outboxes,
/// dispatchers and inboxes over HTTP, as in production.
/// </summary>
public sealed class CoHostedFlowTests : IAsyncLifetime
{
    private static readonly RefitSettings Json = new() { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) };

    private readonly PostgresDatabase<CommerceTemplate> database = new();
    private CommerceHostFactory host = null!;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        host = new CommerceHostFactory(database.ConnectionString, "Customer,Payment,Notification", new Dictionary<string, string?>
        {
            // PaymentFailed may overtake CustomerRegistered; Notification then fails it until the customer is known.
            ["Commerce:Outbox:MaxAttempts"] = "12",
            ["Notification:Delivery:PollInterval"] = "00:00:00.050",
        }).Start();
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task DeclinedPayment_NotifiesTheCustomerOnTheirPreferredChannels()
    {
        var client = await host.ClientAsAsync(Clients.Operator);
        var customers = RestService.For<ICustomerApi>(client, Json);
        var payments = RestService.For<IPaymentApi>(client, Json);
        var notifications = RestService.For<INotificationApi>(client, Json);
        var dispatcher = host.Services.GetRequiredService<NotificationDispatcher>();
        using var attempted = new SemaphoreSlim(0);
        void OnAttempted(Guid id, DeliveryStatus status) => attempted.Release();
        dispatcher.Attempted += OnAttempted;
        try
        {
            var customer = await customers.RegisterAsync(new RegisterCustomerRequest("Nia", $"{Guid.NewGuid():N}@example.com", "+15550001111",
                new CustomerPreferences("en", "USD", [NotificationChannel.Email, NotificationChannel.Sms]), Password: TestIdentity.CustomerPassword));
            var method = await payments.AddPaymentMethodAsync(new AddPaymentMethodRequest(customer.Id, TestCards.Declined, 12, DateTime.UtcNow.Year + 1));
            var declined = await Assert.ThrowsAnyAsync<ApiException>(() => payments.AuthorizeAsync(
                new AuthorizePaymentRequest(Guid.NewGuid(), method.Id, 42m, "USD", customer.Id), Guid.NewGuid().ToString()));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, declined.StatusCode);

            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                var log = await notifications.ListNotificationsAsync(customer.Id);
                if (log.Count == 2 && log.All(n => n.Status == DeliveryStatus.Sent))
                {
                    Assert.All(log, n => Assert.Equal(TemplateKeys.PaymentFailed, n.TemplateKey));
                    Assert.Equal([DeliveryChannel.Email, DeliveryChannel.Sms], log.Select(n => n.Channel).Order());
                    Assert.All(log, n => Assert.Contains("42.00 USD", n.Body, StringComparison.Ordinal));
                    return;
                }

                var remaining = deadline - DateTime.UtcNow;
                Assert.True(remaining > TimeSpan.Zero, $"Notification log after 30 s: {string.Join(", ", log.Select(n => $"{n.Channel} {n.Status}"))}");
                await attempted.WaitAsync(remaining);
            }
        }
        finally
        {
            dispatcher.Attempted -= OnAttempted;
        }
    }
}
