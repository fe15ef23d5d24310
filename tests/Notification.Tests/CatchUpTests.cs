using System.Net;
using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Notification.Contracts;
using Commerce.Order.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Commerce.ServiceDefaults.Security;
using Commerce.Testing;
using Refit;

namespace Commerce.Notification.Tests;

/// <summary>
/// Customers registered while Customer ran alone (so their events reached no Notification), then Notification
/// joins with an empty contact cache: it must catch up from Customer's API instead of failing events.
/// </summary>
public sealed class CatchUpTests : IAsyncLifetime
{
    private static readonly RefitSettings Json = new() { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) };

    private readonly PostgresDatabase<CommerceTemplate> database = new();
    private readonly List<CustomerResponse> registeredEarlier = [];
    private CommerceHostFactory host = null!;
    private Sql sql = null!;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        sql = new Sql(database.ConnectionString);
        await using (var customerAlone = new CommerceHostFactory(database.ConnectionString, "Customer").Start())
        {
            var customers = RestService.For<ICustomerApi>(await customerAlone.ClientAsAsync(Clients.Operator), Json);
            for (var i = 0; i < 3; i++)
            {
                var customer = await customers.RegisterAsync(new RegisterCustomerRequest($"Early {i}", $"{Guid.NewGuid():N}@example.com", "+1555000100" + i,
                    new CustomerPreferences("en", "USD", [NotificationChannel.Email, NotificationChannel.Sms]), Password: TestIdentity.CustomerPassword));
                registeredEarlier.Add(await customers.UpdateProfileAsync(customer.Id,
                    new UpdateCustomerProfileRequest($"Early bird {i}", customer.Email, customer.Preferences, customer.Phone)));
            }
        }

        host = new CommerceHostFactory(database.ConnectionString, "Customer,Notification", new Dictionary<string, string?>
        {
            ["Notification:Delivery:PollInterval"] = "00:00:00.050",
        }).Start();
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task OrderEvent_ForCustomerRegisteredBeforeNotificationExisted_FetchesTheCustomerAndNotifies()
    {
        var customer = registeredEarlier[0];
        var orderId = Guid.NewGuid();
        Assert.Equal(0, await sql.CountAsync("notification.customer_contacts", "customer_id = $1", customer.Id));

        var response = await (await host.ClientAsAsync(Clients.Operator)).PostEnvelopeAsync("notification",
            TestSupport.Envelope("Order", orderId.ToString(), 3, new OrderConfirmed(orderId, customer.Id)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(InboxOutcome.Processed, (await response.Content.ReadFromJsonAsync<InboxResponse>(CommerceJson.Options))!.Outcome);
        var notifications = RestService.For<INotificationApi>(await host.ClientAsAsync(Clients.Operator), Json);
        var log = await Poll.UntilAsync(
            () => notifications.ListNotificationsAsync(customer.Id),
            log => log.Count == 2 && log.All(n => n.Status == DeliveryStatus.Sent));
        Assert.Equal([DeliveryChannel.Email, DeliveryChannel.Sms], log.Select(n => n.Channel).Order());
        Assert.All(log, n => Assert.Contains("Early bird 0", n.Body, StringComparison.Ordinal));
        Assert.Equal([customer.Version], (await sql.RowsAsync(
            "SELECT source_version FROM notification.customer_contacts WHERE customer_id = $1", customer.Id)).Single());
    }

    [Fact]
    public async Task OrderEvent_ForACustomerCustomerDoesNotHave_IsAcknowledgedAndNotifiesNobody()
    {
        var stranger = Guid.NewGuid();
        var orderId = Guid.NewGuid();

        var response = await (await host.ClientAsAsync(Clients.Operator)).PostEnvelopeAsync("notification",
            TestSupport.Envelope("Order", orderId.ToString(), 3, new OrderShipped(orderId, stranger, null)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await RestService.For<INotificationApi>(await host.ClientAsAsync(Clients.Operator), Json).ListNotificationsAsync(stranger));
        Assert.Equal(0, await sql.CountAsync("notification.customer_contacts", "customer_id = $1", stranger));
    }

    [Fact]
    public async Task RebuildCaches_FreshNotification_BackfillsEveryCustomerAndTombstonesThoseCustomerNoLongerHas()
    {
        var client = await host.ClientAsAsync(Clients.Operator);
        var gone = Guid.NewGuid();
        await client.DeliverAsync("notification", TestSupport.Envelope("Customer", gone.ToString(), 1,
            new CustomerRegistered(gone, "Ghost", "ghost@example.com", null, MembershipLevel.Standard, new CustomerPreferences("en", "USD", []))));

        var response = await client.PostAsync("/ops/notification/caches/rebuild", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        foreach (var customer in registeredEarlier)
        {
            Assert.Equal([customer.Name, customer.Email, customer.Phone, customer.Version, false], (await sql.RowsAsync(
                "SELECT name, email, phone, source_version, deleted FROM notification.customer_contacts WHERE customer_id = $1",
                customer.Id)).Single());
        }

        Assert.Equal(["", true], (await sql.RowsAsync(
            "SELECT email, deleted FROM notification.customer_contacts WHERE customer_id = $1", gone)).Single());
    }
}
