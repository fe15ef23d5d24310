using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Notification.Contracts;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Commerce.ServiceDefaults;
using Commerce.Shipping.Contracts;
using Commerce.Testing;
using Refit;

namespace Commerce.Notification.Tests;

/// <summary>Customer, Payment, Shipping and Notification in one host, the carrier advancing parcels within milliseconds.</summary>
public sealed class TrackingAndRefundFlowFixture : ContextFixture
{
    protected override string Contexts => "Customer,Payment,Shipping,Notification";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Shipping:Carrier:InTransitAfter"] = "00:00:00.050",
        ["Shipping:Carrier:DeliveredAfter"] = "00:00:00.050",
        ["Shipping:Carrier:PollInterval"] = "00:00:00.050",
        ["Notification:Delivery:PollInterval"] = "00:00:00.050",
    };
}

public sealed class TrackingAndRefundFlowTests(TrackingAndRefundFlowFixture fixture) : IClassFixture<TrackingAndRefundFlowFixture>
{
    private static readonly RefitSettings Json = new() { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) };

    [Fact]
    public async Task TrackingUpdatesAndRefunds_TellTheCustomer_OnTheChannelsTheyChose()
    {
        var customers = RestService.For<ICustomerApi>(fixture.Client, Json);
        var payments = RestService.For<IPaymentApi>(fixture.Client, Json);
        var notifications = RestService.For<INotificationApi>(fixture.Client, Json);
        var customer = await customers.RegisterAsync(new RegisterCustomerRequest("Christine Darden", $"cd-{Guid.NewGuid():N}@example.com", "+15550002222",
            new CustomerPreferences("en", "USD", [NotificationChannel.Email, NotificationChannel.Sms])));

        // PaymentRefunded → Notification.
        var method = await payments.AddPaymentMethodAsync(new AddPaymentMethodRequest(customer.Id, TestCards.Success, 9, DateTime.UtcNow.Year + 1));
        var orderId = Guid.NewGuid();
        var payment = await payments.AuthorizeAsync(new AuthorizePaymentRequest(orderId, method.Id, 18m, "USD", customer.Id), Key());
        await payments.CaptureAsync(payment.Id, new CapturePaymentRequest(), Key());
        await payments.RefundAsync(payment.Id, new RefundPaymentRequest(7.25m), Key());

        // TrackingUpdated → Notification: Order's confirmation (as its dispatcher delivers it) tells Notification whose order
        // it is; the shipment's carrier then reports it in transit (delivery itself is ShipmentDelivered, Order's to tell).
        await fixture.Client.DeliverAsync("notification", TestSupport.Envelope("Order", orderId.ToString(), 3, new OrderConfirmed(orderId, customer.Id)));
        var shipment = await fixture.Client.PostAsJsonAsync("/shipments", new CreateShipmentRequest(orderId,
            new ShippingAddress("C. Darden", "1 Langley Blvd", "Hampton", "23681", "US"), [new ShipmentItem(Guid.NewGuid(), "SKU-1", 1)]), CommerceJson.Options);
        Assert.True(shipment.IsSuccessStatusCode, await shipment.Content.ReadAsStringAsync());

        IReadOnlyList<NotificationResponse> log;
        try
        {
            log = (await Poll.UntilAsync(async () => new Log(await notifications.ListNotificationsAsync(customer.Id)),
                l => l.Items.Count(n => n.TemplateKey == TemplateKeys.PaymentRefunded) == 2
                     && l.Items.Count(n => n.TemplateKey == TemplateKeys.ShipmentTracking && n.Body.Contains("in transit", StringComparison.Ordinal)) == 2)).Items;
        }
        catch (TimeoutException timeout)
        {
            // What the host logged says which hop lost the event.
            throw new TimeoutException(timeout.Message + "\n" + string.Join("\n", fixture.Logs.Where(l =>
                l.Contains("Exception", StringComparison.Ordinal) || l.Contains("Tracking", StringComparison.Ordinal)).Take(20)), timeout);
        }

        var refunds = log.Where(n => n.TemplateKey == TemplateKeys.PaymentRefunded).ToList();
        Assert.Equal([DeliveryChannel.Email, DeliveryChannel.Sms], refunds.Select(n => n.Channel).Order());
        Assert.All(refunds, n => Assert.Contains("7.25 USD", n.Body, StringComparison.Ordinal));
        var tracking = log.Where(n => n.TemplateKey == TemplateKeys.ShipmentTracking).ToList();
        Assert.Equal(tracking.Count(n => n.Channel == DeliveryChannel.Email), tracking.Count(n => n.Channel == DeliveryChannel.Sms));
        Assert.Contains(tracking, n => n.Body.Contains("in transit", StringComparison.Ordinal));
        Assert.All(tracking, n => Assert.Contains(orderId.ToString(), n.Subject, StringComparison.Ordinal));
    }

    private static string Key() => Guid.NewGuid().ToString("N");

    private sealed record Log(IReadOnlyList<NotificationResponse> Items)
    {
        public override string ToString() => string.Join("; ", Items.Select(n => $"{n.TemplateKey}/{n.Channel}/{n.Status}: {n.Subject}"));
    }
}
