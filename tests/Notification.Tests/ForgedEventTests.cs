using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Notification.Tests;

/// <summary>The inbox takes an event only from its publisher's own dispatcher (issue 11).</summary>
public sealed class ForgedEventTests(NotificationFixture fixture) : IClassFixture<NotificationFixture>
{
    [Fact]
    public async Task Deliver_CustomerEventFromAnyoneButCustomer_IsRefusedAndPoisonsNoVersion()
    {
        var customerId = Guid.NewGuid();
        var forged = Registered(customerId, int.MaxValue, "Mallory");

        foreach (var (caller, expected) in new[]
                 {
                     ((string?)null, HttpStatusCode.Unauthorized),
                     (Clients.Operator, HttpStatusCode.Forbidden),
                     ("order", HttpStatusCode.Forbidden),
                     (TestIdentity.StrangerClient, HttpStatusCode.Forbidden),
                 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/events/notification")
            {
                Content = JsonContent.Create(forged, options: CommerceJson.Options),
            };
            if (caller is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TestIdentity.ClientTokenAsync(fixture.App.TokenServer, caller));
            }

            using var response = await fixture.Anonymous.SendAsync(request);

            Assert.Equal(expected, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(0, await fixture.Sql.CountAsync("notification.inbox_events", "event_id = $1", forged.Id));
        Assert.Equal(0, await fixture.Sql.CountAsync("notification.customer_contacts", "customer_id = $1", customerId));

        // Customer's own later event is applied: nothing poisoned the version table.
        Assert.Equal(InboxOutcome.Processed, await fixture.Client.DeliverAsync("notification", Registered(customerId, 1, "Ada")));
    }

    private static EventEnvelope Registered(Guid customerId, int version, string name) =>
        TestSupport.Envelope("Customer", customerId.ToString(), version,
            new CustomerRegistered(customerId, name, $"{name}@example.com", null, MembershipLevel.Standard, new CustomerPreferences("en", "USD", [])));
}
