using System.Net;
using System.Net.Sockets;
using System.Text;
using Commerce.Host.Testing;
using Commerce.Order.Contracts;
using Commerce.ServiceDefaults.Http;
using Commerce.ServiceDefaults.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Faults.Tests;

/// <summary>
/// What the Checkout API answers while something it needs is down: 503 problem details with Retry-After (the caller
/// comes back later), never a 500, and nothing started or changed meanwhile.
/// </summary>
public sealed class DependencyOutageTests(FaultSystem system) : IClassFixture<FaultSystem>
{
    [Fact]
    public async Task Checkout_OrderDown_Answers503WithRetryAfterAndStartsNoSaga()
    {
        var order = (await system.CreateOrdersAsync(1))[0];
        var refusedBefore = system.Outages.Refused;
        system.Outages.TakeDown("/orders");
        List<string> failures;
        try
        {
            failures = await UnavailableAsync(system.Http, CheckoutRequests(order));
        }
        finally
        {
            system.Outages.BringUp("/orders");
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(system.Outages.Refused > refusedBefore, "Checkout never called Order");
        Assert.Null(await system.Sagas.FindAsync(order));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CheckoutSubmit_PaymentDown_Answers503WithRetryAfter_StartsNoSagaAndLeavesTheOrderCreated(bool paymentAnswers503)
    {
        var order = (await system.CreateOrdersAsync(1))[0];
        var refusedBefore = system.Outages.Refused;
        system.Outages.TakeDown("/payments", paymentAnswers503);
        List<string> failures;
        try
        {
            // The card's owner cannot be checked: the submit is refused rather than let through unchecked.
            failures = await UnavailableAsync(system.Http, [CheckoutRequests(order)[0]]);
        }
        finally
        {
            system.Outages.BringUp("/payments");
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(system.Outages.Refused > refusedBefore, "Checkout never called Payment");
        Assert.Null(await system.Sagas.FindAsync(order));
        Assert.Equal(OrderStatus.Created, (await system.Api<IOrderApi>().GetOrderAsync(order)).Status);
    }

    [Fact]
    public async Task Checkout_TemporalDown_Answers503WithRetryAfter()
    {
        var order = (await system.CreateOrdersAsync(1))[0];
        var contexts = system.Host.Services.GetRequiredService<ServiceAddresses>().Self().ToString();
        await using var checkout = new CommerceHostFactory(system.ConnectionString, "Checkout", new Dictionary<string, string?>
        {
            ["Temporal:Address"] = $"127.0.0.1:{ClosedPort()}",
            ["Services:Order:BaseUrl"] = contexts,
            ["Services:Payment:BaseUrl"] = contexts,
            // The contexts' token server, so the callers' tokens this host relays to Order and Payment are theirs too.
            ["Authentication:Authority"] = contexts,
        });
        checkout.Start();
        using var client = await checkout.ClientAsAsync(Clients.Operator);

        var failures = await UnavailableAsync(client,
        [
            .. CheckoutRequests(order),
            ("GET", "/checkout/orders", null),
            ("POST", "/checkout/orders/" + order + "/retry", null),
        ]);
        // The relay takes deliveries only from Shipping's dispatcher.
        using var shipping = await checkout.ClientAsAsync(Clients.For("Shipping"));
        failures.AddRange(await UnavailableAsync(shipping,
        [
            ("POST", "/events/checkout", $$$"""
                {"id":"{{{Guid.NewGuid()}}}","type":"ShipmentDelivered","source":"Shipping","aggregateId":"x","aggregateVersion":1,
                 "occurredAt":"2030-01-01T00:00:00Z","payload":{"shipmentId":"{{{Guid.NewGuid()}}}","orderId":"{{{order}}}",
                 "trackingNumber":"T-1","deliveredAt":"2030-01-01T00:00:00Z"}}
                """),
        ]));

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Null(await system.Sagas.FindAsync(order));
    }

    private (string Method, string Path, string? Body)[] CheckoutRequests(Guid order) =>
    [
        ("POST", $"/checkout/orders/{order}/submit", $$"""{"paymentMethodId":"{{system.PaymentMethodId}}"}"""),
        ("GET", $"/checkout/orders/{order}", null),
        ("POST", $"/checkout/orders/{order}/cancel", """{"reason":"changed my mind"}"""),
    ];

    /// <summary>Each request that did not answer 503 problem details with a Retry-After in seconds, and why.</summary>
    private static async Task<List<string>> UnavailableAsync(HttpClient client, IEnumerable<(string Method, string Path, string? Body)> requests)
    {
        var failures = new List<string>();
        foreach (var (method, path, body) in requests)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable
                || response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                || response.Headers.RetryAfter?.Delta is not { TotalSeconds: > 0 })
            {
                failures.Add($"{method} {path}: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}" +
                             $" Retry-After={response.Headers.RetryAfter?.ToString() ?? "none"}: {text[..Math.Min(text.Length, 300)]}");
            }
        }

        return failures;
    }

    /// <summary>A loopback port nothing listens on: connecting is refused at once, as with a stopped Temporal.</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
