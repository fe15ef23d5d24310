using System.Net;
using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.Inventory.Contracts;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Pricing.Contracts;
using Commerce.Product.Contracts;
using Commerce.Promotion.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;
using Commerce.Shipping.Contracts;
using Commerce.Testing;
using Refit;

namespace Commerce.Order.Tests;

/// <summary>
/// Every flow whose subscriber is Order, end to end: a change through the publisher's real API, its event through
/// the publisher's outbox over HTTP to Order's inbox, and the effect in Order's API (an order's snapshot, a refusal,
/// or the reservation, payment, shipment, coupon use and campaign GET /orders/{id} shows). No saga: the tests take
/// the saga's steps themselves, as an operator (whom the steps admit) and as the carrier (signed webhook).
/// </summary>
public sealed class OrderEventFlowTests(OrderFlowHost host) : IClassFixture<OrderFlowHost>
{
    [Fact]
    public async Task ProductEvents_NewOrdersSnapshotTheCachedProduct_AndADiscontinuedOneIsRefused()
    {
        var product = await host.NewProductAsync(40.00m);
        await host.Products.UpdateProductAsync(product.Id, new UpdateProductRequest("Brass desk lamp", "Home"));
        var repriced = await host.Products.ChangePriceAsync(product.Id, new ChangePriceRequest(55.00m, "USD"));
        await host.CachedProductVersionAsync(product.Id, repriced.Version);
        var customer = await host.NewCustomerAsync();

        var order = await host.CreateOrderAsync(customer.Id, product.Id);

        var line = order.Items.Single();
        Assert.Equal((product.Sku, "Brass desk lamp", 55.00m), (line.Sku, line.ProductName, line.UnitPrice));

        var discontinued = await host.Products.DiscontinueAsync(product.Id);
        await host.CachedProductVersionAsync(product.Id, discontinued.Version);
        using var refused = await host.Client.PostAsJsonAsync("/orders",
            new CreateOrderRequest(customer.Id, [new CreateOrderItem(product.Id, 1)]), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("Discontinued", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomerEvents_OrderShowsTheProfileAndSubmissionSnapshotsTheCachedAddresses()
    {
        var customer = await host.Customers.RegisterAsync(new RegisterCustomerRequest("Mary Jackson", $"mj-{Guid.NewGuid():N}@example.com"));
        await host.Customers.AddAddressAsync(customer.Id,
            new AddressInput(AddressKind.Billing, "M. Jackson", "1 Wind Tunnel Rd", "Hampton", "23681", "US", Region: "VA", IsDefault: true));
        await host.Customers.AddAddressAsync(customer.Id,
            new AddressInput(AddressKind.Shipping, "Mary Jackson", "7 Supersonic Ave", "Hampton", "23666", "US", IsDefault: true));
        var product = await host.NewProductAsync(10.00m);
        var order = await host.CreateOrderAsync(customer.Id, product.Id);
        await host.Customers.UpdateProfileAsync(customer.Id,
            new UpdateCustomerProfileRequest("Mary W. Jackson", customer.Email, customer.Preferences));

        var shown = await host.OrderUntilAsync(order.Id, o => o.CustomerName == "Mary W. Jackson");
        Assert.Equal(customer.Email, shown.CustomerEmail);
        await Poll.UntilAsync(async () => await host.Sql.CountAsync("\"order\".address_cache", "customer_id = $1", customer.Id) == 2);
        var submitted = await host.Orders.SubmitAsync(order.Id, new SubmitOrderRequest());

        Assert.Equal(("M. Jackson", "1 Wind Tunnel Rd", "VA"), (submitted.BillingAddress!.Recipient, submitted.BillingAddress.Line1, submitted.BillingAddress.Region));
        Assert.Equal(("Mary Jackson", "7 Supersonic Ave", "23666"),
            (submitted.ShippingAddress!.Recipient, submitted.ShippingAddress.Line1, submitted.ShippingAddress.PostalCode));

        // CustomerSuspended: the next order is refused at submission, though everything it needs is cached.
        var later = await host.CreateOrderAsync(customer.Id, product.Id);
        await host.Customers.SuspendAsync(customer.Id, new SuspendCustomerRequest("Chargebacks"));
        await Poll.UntilAsync(async () => await host.Sql.CountAsync("\"order\".customer_cache", "customer_id = $1 AND suspended", customer.Id) == 1);
        var refused = await Assert.ThrowsAnyAsync<ApiException>(() => host.Orders.SubmitAsync(later.Id, new SubmitOrderRequest()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal(OrderStatus.Created, (await host.Orders.GetOrderAsync(later.Id)).Status);
    }

    [Fact]
    public async Task InventoryEvents_OrderShowsItsReservationThroughReserveCommitFulfil_AndReleaseAndExpiry()
    {
        var (product, customer) = (await host.NewProductAsync(5.00m, stock: 20), await host.NewCustomerAsync());
        var fulfilled = await host.CreateOrderAsync(customer.Id, product.Id);
        var released = await host.CreateOrderAsync(customer.Id, product.Id);
        var expired = await host.CreateOrderAsync(customer.Id, product.Id);
        var key = $"order-{fulfilled.Id}";

        var reserved = await host.Inventory.ReserveAsync(new ReserveStockRequest(key, [new ReservationLineRequest(product.Sku, 2)], fulfilled.Id));
        var shown = await host.OrderUntilAsync(fulfilled.Id, o => o.Reservation?.Status == "Reserved");
        Assert.Equal(reserved.ExpiresAt.ToUnixTimeMilliseconds(), shown.Reservation!.ExpiresAt!.Value.ToUnixTimeMilliseconds());
        await host.Inventory.CommitAsync(key);
        Assert.Null((await host.OrderUntilAsync(fulfilled.Id, o => o.Reservation?.Status == "Committed")).Reservation!.ExpiresAt);
        await host.Inventory.FulfilAsync(key);
        await host.OrderUntilAsync(fulfilled.Id, o => o.Reservation?.Status == "Fulfilled");

        await host.Inventory.ReserveAsync(new ReserveStockRequest($"order-{released.Id}", [new ReservationLineRequest(product.Sku, 1)], released.Id));
        await host.Inventory.ReleaseAsync($"order-{released.Id}");
        await host.OrderUntilAsync(released.Id, o => o.Reservation?.Status == "Released");

        // This host sweeps expired reservations every 200 ms: a one-second reservation lapses on its own.
        await host.Inventory.ReserveAsync(new ReserveStockRequest($"order-{expired.Id}", [new ReservationLineRequest(product.Sku, 1)], expired.Id,
            ExpiresInSeconds: 1));
        await host.OrderUntilAsync(expired.Id, o => o.Reservation?.Status == "Expired");
    }

    [Fact]
    public async Task PaymentEvents_OrderShowsItsPaymentAuthorizedCapturedRefunded_VoidedAndFailed()
    {
        var (product, customer) = (await host.NewProductAsync(30.00m), await host.NewCustomerAsync());
        var card = await host.Payments.AddPaymentMethodAsync(new AddPaymentMethodRequest(customer.Id, TestCards.Success, 12, DateTime.UtcNow.Year + 2));
        var declined = await host.Payments.AddPaymentMethodAsync(new AddPaymentMethodRequest(customer.Id, TestCards.Declined, 12, DateTime.UtcNow.Year + 2));
        var captured = await host.CreateOrderAsync(customer.Id, product.Id);
        var voided = await host.CreateOrderAsync(customer.Id, product.Id);
        var failed = await host.CreateOrderAsync(customer.Id, product.Id);

        var payment = await host.Payments.AuthorizeAsync(new AuthorizePaymentRequest(captured.Id, card.Id, 30.00m, "USD", customer.Id), $"auth-{captured.Id}");
        Assert.Equal(new OrderPayment("Authorized", 30.00m, "USD"),
            (await host.OrderUntilAsync(captured.Id, o => o.Payment?.Status == "Authorized")).Payment);
        await host.Payments.CaptureAsync(payment.Id, new CapturePaymentRequest(), $"capture-{captured.Id}");
        await host.OrderUntilAsync(captured.Id, o => o.Payment?.Status == "Captured");
        await host.Payments.RefundAsync(payment.Id, new RefundPaymentRequest(12.50m, "Scratched"), $"refund-{captured.Id}");
        Assert.Equal(new OrderPayment("Refunded", 30.00m, "USD", 12.50m),
            (await host.OrderUntilAsync(captured.Id, o => o.Payment?.Status == "Refunded")).Payment);

        var toVoid = await host.Payments.AuthorizeAsync(new AuthorizePaymentRequest(voided.Id, card.Id, 30.00m, "USD", customer.Id), $"auth-{voided.Id}");
        await host.Payments.VoidAsync(toVoid.Id, $"void-{voided.Id}");
        await host.OrderUntilAsync(voided.Id, o => o.Payment?.Status == "Voided");

        await Assert.ThrowsAnyAsync<ApiException>(() =>
            host.Payments.AuthorizeAsync(new AuthorizePaymentRequest(failed.Id, declined.Id, 30.00m, "USD", customer.Id), $"auth-{failed.Id}"));
        await host.OrderUntilAsync(failed.Id, o => o.Payment?.Status == "Failed");
    }

    [Fact]
    public async Task ShippingEvents_OrderShowsItsCarrierTrackingLocationAndDelivery()
    {
        var order = await host.CreateOrderAsync((await host.NewCustomerAsync()).Id, (await host.NewProductAsync(8.00m)).Id);

        var shipment = await host.Shipping.CreateShipmentAsync(new CreateShipmentRequest(order.Id,
            new ShippingAddress("Dorothy Vaughan", "3 Langley Blvd", "Hampton", "23681", "US"), [new ShipmentItem(order.Items[0].ProductId, order.Items[0].Sku, 1)]));
        var labelled = await host.OrderUntilAsync(order.Id, o => o.Shipment is not null);
        Assert.Equal(new OrderShipment(shipment.Carrier, shipment.TrackingNumber, "LabelCreated"), labelled.Shipment);
        await host.CarrierAsync(shipment.TrackingNumber, ShipmentStatus.InTransit, "Richmond hub");
        Assert.Equal(new OrderShipment(shipment.Carrier, shipment.TrackingNumber, "InTransit", "Richmond hub"),
            (await host.OrderUntilAsync(order.Id, o => o.Shipment?.Status == "InTransit")).Shipment);
        var deliveredAt = await host.CarrierAsync(shipment.TrackingNumber, ShipmentStatus.Delivered, "Hampton");

        var delivered = (await host.OrderUntilAsync(order.Id, o => o.Shipment?.Status == "Delivered")).Shipment!;
        Assert.Equal((shipment.Carrier, (string?)null), (delivered.Carrier, delivered.Location));
        Assert.Equal(deliveredAt.ToUnixTimeMilliseconds(), delivered.DeliveredAt!.Value.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task PromotionEvents_OrderShowsItsCouponUseAndTheCampaignsCurrentState()
    {
        var (product, customer) = (await host.NewProductAsync(50.00m), await host.NewCustomerAsync());
        var endsAt = DateTimeOffset.UtcNow.AddDays(3);
        var promotion = await host.Promotions.CreatePromotionAsync(new CreatePromotionRequest("Spring sale",
            new PromotionTerms(DiscountKind.Percentage, 10, "USD", PromotionScope.Order), DateTimeOffset.UtcNow.AddMinutes(-1), endsAt, RequiresCoupon: true));
        var code = $"S-{Guid.NewGuid():N}"[..14].ToUpperInvariant();
        await host.Promotions.CreateCouponAsync(promotion.Id, new CreateCouponRequest(code, 10));
        // Pricing learns the product and the campaign from their events too: the quote applies the coupon once it has.
        var quote = await Poll.UntilAsync(() => host.QuoteAsync(customer.Id, product.Id, code), q => q?.Promotions.Count == 1);
        var order = await host.CreateOrderAsync(customer.Id, product.Id, quote!.QuoteId);

        var shown = await host.OrderUntilAsync(order.Id, o => o.Promotions!.Single().CampaignName is not null);
        var campaign = shown.Promotions!.Single();
        Assert.Equal(("Spring sale", true, endsAt.ToUnixTimeSeconds()), (campaign.CampaignName, campaign.Active, campaign.EndsAt!.Value.ToUnixTimeSeconds()));
        var key = $"claim-{order.Id}";
        await host.Promotions.ClaimAsync(new ClaimCouponRequest(key, code, customer.Id, order.Id, campaign.Discount, "USD"));
        Assert.Equal(new OrderCouponUse(code, "Applied"), (await host.OrderUntilAsync(order.Id, o => o.CouponUse is not null)).CouponUse);
        await host.Promotions.ReleaseAsync(key);
        await host.OrderUntilAsync(order.Id, o => o.CouponUse?.Status == "Released");
        await host.Promotions.DeactivateAsync(promotion.Id);

        var ended = (await host.OrderUntilAsync(order.Id, o => o.Promotions!.Single().Active == false)).Promotions!.Single();
        // The discount is the snapshot taken at creation; only the campaign's current state moved.
        Assert.Equal((campaign.Discount, campaign.Name, 45.00m), (ended.Discount, ended.Name, shown.Total));
    }
}

/// <summary>Order with every context that publishes to it, on one database; the carrier is driven by hand.</summary>
public sealed class OrderFlowHost : IAsyncLifetime
{
    private const string WebhookSecret = "order-flow-carrier-webhook-secret-0123456789";
    private readonly PostgresDatabase<CommerceTemplate> database = new();
    private readonly RefitSettings refit = new() { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) };
    private CommerceHostFactory? factory;
    private HttpClient carrier = null!;

    /// <summary>An operator's client (the saga's steps admit operators).</summary>
    public HttpClient Client { get; private set; } = null!;

    public Sql Sql { get; private set; } = null!;

    public IOrderApi Orders { get; private set; } = null!;

    public ICustomerApi Customers { get; private set; } = null!;

    public IProductApi Products { get; private set; } = null!;

    public IInventoryApi Inventory { get; private set; } = null!;

    public IPaymentApi Payments { get; private set; } = null!;

    public IShippingApi Shipping { get; private set; } = null!;

    public IPromotionApi Promotions { get; private set; } = null!;

    public IPricingApi Pricing { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        factory = new CommerceHostFactory(database.ConnectionString, "Order,Customer,Product,Inventory,Payment,Shipping,Promotion,Pricing",
            new Dictionary<string, string?>
            {
                ["Shipping:Carrier:AutoAdvance"] = "false",
                ["Shipping:Carrier:WebhookSecret"] = WebhookSecret,
                ["Inventory:Reservations:SweeperEnabled"] = "true",
                ["Inventory:Reservations:SweepInterval"] = "00:00:00.200",
            }).Start();
        Client = await factory.ClientAsAsync(Clients.Operator);
        carrier = new HttpClient(new CarrierSigningHandler(WebhookSecret) { InnerHandler = new HttpClientHandler() }) { BaseAddress = factory.Address };
        Sql = new Sql(database.ConnectionString);
        Orders = RestService.For<IOrderApi>(Client, refit);
        Customers = RestService.For<ICustomerApi>(Client, refit);
        Products = RestService.For<IProductApi>(Client, refit);
        Inventory = RestService.For<IInventoryApi>(Client, refit);
        Payments = RestService.For<IPaymentApi>(Client, refit);
        Shipping = RestService.For<IShippingApi>(Client, refit);
        Promotions = RestService.For<IPromotionApi>(Client, refit);
        Pricing = RestService.For<IPricingApi>(Client, refit);
    }

    public async Task DisposeAsync()
    {
        carrier?.Dispose();
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        await database.DisposeAsync();
    }

    public async Task<ProductResponse> NewProductAsync(decimal price, int stock = 0)
    {
        var product = await Products.CreateProductAsync(new CreateProductRequest($"FLOW-{Guid.NewGuid():N}"[..20], "Desk lamp", "Home", price, "USD"));
        if (stock > 0)
        {
            await Inventory.ReceiveAsync(product.Sku, new ReceiveStockRequest("WH-EAST", stock));
        }

        return product;
    }

    public Task<CustomerResponse> NewCustomerAsync() => Customers.RegisterAsync(new RegisterCustomerRequest(
        "Dorothy Vaughan", $"dv-{Guid.NewGuid():N}@example.com", Addresses:
        [
            new AddressInput(AddressKind.Billing, "D. Vaughan", "3 Langley Blvd", "Hampton", "23681", "US", IsDefault: true),
            new AddressInput(AddressKind.Shipping, "D. Vaughan", "3 Langley Blvd", "Hampton", "23681", "US", IsDefault: true),
        ]));

    public Task<OrderResponse> CreateOrderAsync(Guid customerId, Guid productId, Guid? quoteId = null) =>
        Orders.CreateOrderAsync(new CreateOrderRequest(customerId, [new CreateOrderItem(productId, 1)], quoteId));

    public Task<OrderResponse> OrderUntilAsync(Guid orderId, Func<OrderResponse, bool> condition) =>
        Poll.UntilAsync(() => Orders.GetOrderAsync(orderId), condition);

    /// <summary>Waits until Product's event of <paramref name="version"/> has reached Order's product cache.</summary>
    public Task CachedProductVersionAsync(Guid productId, int version) =>
        Poll.UntilAsync(async () => await Sql.CountAsync("\"order\".product_cache", "product_id = $1 AND version >= $2", productId, version) == 1);

    public async Task<QuoteResponse?> QuoteAsync(Guid customerId, Guid productId, string code)
    {
        try
        {
            return await Pricing.CreateQuoteAsync(new CreateQuoteRequest(customerId, [new QuoteLineRequest(productId, 1)], code));
        }
        catch (ApiException exception) when (exception.StatusCode is HttpStatusCode.UnprocessableEntity or HttpStatusCode.NotFound)
        {
            return null; // the product or the campaign has not reached Pricing yet
        }
    }

    /// <summary>The carrier reports a tracking event through its signed webhook; returns when it happened.</summary>
    public async Task<DateTimeOffset> CarrierAsync(string trackingNumber, ShipmentStatus status, string location)
    {
        var at = DateTimeOffset.UtcNow;
        using var response = await carrier.PostAsJsonAsync("/shipments/carrier/webhook",
            new CarrierTrackingUpdate(Guid.NewGuid(), trackingNumber, status, location, at), CommerceJson.Options);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return at;
    }
}
