using System.Net;
using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.Inventory.Contracts;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Product.Contracts;
using Commerce.Promotion.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Commerce.Shipping.Contracts;

namespace Commerce.Order.Tests;

/// <summary>
/// Order's caches of addresses, reservations, payments, shipments, campaigns and coupon uses end at the owner's
/// latest state whatever order, and however often, their events reach POST /events/order (every permutation, then
/// every event again newest first); and the product and address caches are what creation and submission read.
/// </summary>
public sealed class OrderFlowCacheTests(OrderHost host) : IClassFixture<OrderHost>
{
    [Fact]
    public async Task AddressEvents_InEveryOrderWithDuplicates_KeepEveryAddressAtItsVersion()
    {
        // Customer and address ids share the key's prefix, so each delivery order gets a customer and addresses of its own.
        var prefix = NewPrefix();
        var (customer, old, current) = (Id(prefix, 0), Id(prefix, 1), Id(prefix, 2));
        EventEnvelope[] events =
        [
            Envelope("Customer", customer, 2, new CustomerAddressAdded(customer, Address(old, AddressKind.Shipping, "1 Old St"))),
            Envelope("Customer", customer, 3, new CustomerAddressAdded(customer, Address(current, AddressKind.Shipping, "2 New St"))),
            // A newer profile event first must not make the additions look stale: they share the customer's version.
            Envelope("Customer", customer, 4, new CustomerProfileUpdated(customer, "Ada", "ada@example.com", null, new CustomerPreferences("en", "USD", []))),
        ];

        var converged = await Convergence.AssertEveryOrderConvergesAsync(host.Client, "order", events, prefix, NewPrefix,
            async key => Rows(await host.Sql.RowsAsync(
                """SELECT line1, is_default, version FROM "order".address_cache WHERE customer_id = $1 ORDER BY version""", Id(key, 0))));

        Assert.Equal("""[["1 Old St",true,2],["2 New St",true,3]]""", Json(converged));
    }

    [Fact]
    public async Task ReservationEvents_InEveryOrderWithDuplicates_ConvergeToTheNewestVersion()
    {
        var key = $"res-{Guid.NewGuid()}";
        var order = Guid.NewGuid();
        ReservationAllocation[] lines = [];
        EventEnvelope[] events =
        [
            Envelope("Inventory", key, 1, new InventoryReserved(key, order, lines, DateTimeOffset.UtcNow.AddMinutes(15))),
            Envelope("Inventory", key, 2, new InventoryReservationCommitted(key, order, lines)),
            Envelope("Inventory", key, 3, new InventoryFulfilled(key, order, lines)),
        ];

        var converged = await Convergence.AssertEveryOrderConvergesAsync(host.Client, "order", events, key, () => $"res-{Guid.NewGuid()}",
            async copy => Rows(await host.Sql.RowsAsync("""SELECT status, expires_at, version FROM "order".reservation_cache WHERE key = $1""", copy)));

        Assert.Equal("""[["Fulfilled",null,3]]""", Json(converged));
    }

    [Fact]
    public async Task PaymentEvents_InEveryOrderWithDuplicates_ConvergeToTheNewestRefund()
    {
        var payment = Guid.NewGuid();
        var (order, customer) = (Guid.NewGuid(), Guid.NewGuid());
        EventEnvelope[] events =
        [
            Envelope("Payment", payment, 1, new PaymentAuthorized(payment, order, customer, 30m, "USD")),
            Envelope("Payment", payment, 2, new PaymentCaptured(payment, order, customer, 30m, "USD")),
            Envelope("Payment", payment, 3, new PaymentRefunded(payment, order, customer, 5m, 5m, "USD")),
            Envelope("Payment", payment, 4, new PaymentRefunded(payment, order, customer, 3m, 8m, "USD")),
        ];

        var converged = await Convergence.AssertEveryOrderConvergesAsync(host.Client, "order", events, payment.ToString(), () => Guid.NewGuid().ToString(),
            async id => Rows(await host.Sql.RowsAsync(
                """SELECT status, amount, currency, refunded, version FROM "order".payment_cache WHERE payment_id = $1""", Guid.Parse(id))));

        Assert.Equal("""[["Refunded",30.00,"USD",8.00,4]]""", Json(converged));
    }

    [Fact]
    public async Task ShipmentEvents_InEveryOrderWithDuplicates_KeepTheCarrierAndTheNewestTracking()
    {
        var shipment = Guid.NewGuid();
        var order = Guid.NewGuid();
        var deliveredAt = new DateTimeOffset(2030, 1, 2, 10, 0, 0, TimeSpan.Zero);
        EventEnvelope[] events =
        [
            Envelope("Shipping", shipment, 1, new ShipmentCreated(shipment, order, "SimPost", "SIM123")),
            Envelope("Shipping", shipment, 2, new TrackingUpdated(shipment, order, "SIM123", ShipmentStatus.InTransit, "Hub", deliveredAt.AddDays(-1))),
            Envelope("Shipping", shipment, 3, new ShipmentDelivered(shipment, order, "SIM123", deliveredAt)),
        ];

        var converged = await Convergence.AssertEveryOrderConvergesAsync(host.Client, "order", events, shipment.ToString(), () => Guid.NewGuid().ToString(),
            async id => Rows(await host.Sql.RowsAsync(
                """SELECT carrier, tracking_number, status, location, delivered_at = '2030-01-02T10:00:00Z', version FROM "order".shipment_cache WHERE shipment_id = $1""",
                Guid.Parse(id))));

        Assert.Equal("""[["SimPost","SIM123","Delivered",null,true,3]]""", Json(converged));
    }

    [Fact]
    public async Task CampaignAndCouponEvents_InEveryOrderWithDuplicates_ConvergeToTheNewestVersion()
    {
        var promotion = Guid.NewGuid();
        var window = (Starts: new DateTimeOffset(2030, 3, 1, 0, 0, 0, TimeSpan.Zero), Ends: new DateTimeOffset(2030, 3, 31, 0, 0, 0, TimeSpan.Zero));
        var terms = new PromotionTerms(DiscountKind.Percentage, 10, "USD", PromotionScope.Order);
        EventEnvelope[] campaign =
        [
            Envelope("Promotion", promotion, 2, new PromotionActivated(promotion, "Spring sale", terms, true, window.Starts, window.Ends)),
            Envelope("Promotion", promotion, 3, new PromotionExpired(promotion, "Spring sale (ended)", PromotionStatus.Expired)),
        ];
        var key = $"claim-{Guid.NewGuid()}";
        var (order, customer) = (Guid.NewGuid(), Guid.NewGuid());
        EventEnvelope[] use =
        [
            Envelope("Promotion", key, 1, new PromotionApplied(promotion, "SPRING", customer, order, 5m, "USD")),
            Envelope("Promotion", key, 2, new PromotionUseReleased(promotion, "SPRING", customer, order)),
        ];

        var campaignCopy = await Convergence.AssertEveryOrderConvergesAsync(host.Client, "order", campaign, promotion.ToString(), () => Guid.NewGuid().ToString(),
            async id => Rows(await host.Sql.RowsAsync(
                """SELECT name, active, ends_at = '2030-03-31T00:00:00Z', version FROM "order".campaign_cache WHERE promotion_id = $1""", Guid.Parse(id))));
        var useCopy = await Convergence.AssertEveryOrderConvergesAsync(host.Client, "order", use, key, () => $"claim-{Guid.NewGuid()}",
            async copy => Rows(await host.Sql.RowsAsync("""SELECT code, status, version FROM "order".coupon_use_cache WHERE key = $1""", copy)));

        Assert.Equal("""[["Spring sale (ended)",false,true,3]]""", Json(campaignCopy));
        Assert.Equal("""[["SPRING","Released",2]]""", Json(useCopy));
    }

    [Fact]
    public async Task Create_ProductInTheCache_SnapshotsTheCachedCopyWithoutAskingProduct()
    {
        var customer = host.Customers.Add();
        var product = Guid.NewGuid(); // unknown to Product's (fake) API: only the cache knows it
        await host.Client.DeliverAsync("order", Envelope("Product", product, 1,
            new ProductCreated(product, "SKU-CACHED", "Cached lamp", "Home", 17.25m, "USD")));

        var order = await host.CreateAsync(customer.Id, (ProductOf(product), 2));

        Assert.Equal(("SKU-CACHED", "Cached lamp", 17.25m, 34.50m), (order.Items[0].Sku, order.Items[0].ProductName, order.Items[0].UnitPrice, order.Total));

        await host.Client.DeliverAsync("order", Envelope("Product", product, 2, new ProductDiscontinued(product, "SKU-CACHED",
            new ProductState("SKU-CACHED", "Cached lamp", "Home", 17.25m, "USD", ProductStatus.Discontinued))));
        using var refused = await host.Client.PostAsJsonAsync("/orders",
            new CreateOrderRequest(customer.Id, [new CreateOrderItem(product, 1)]), CommerceJson.Options);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
    }

    [Fact]
    public async Task Create_ProductNotCached_AsksProductOnceAndCachesIt()
    {
        var customer = host.Customers.Add();
        var product = host.Products.Add(12m);

        await host.CreateAsync(customer.Id, (product, 1));
        host.Products.Products.TryRemove(product.Id, out _); // Product's API no longer answers for it: the cache does
        var second = await host.CreateAsync(customer.Id, (product, 1));

        Assert.Equal(12m, second.Items[0].UnitPrice);
    }

    [Fact]
    public async Task Submit_AddressesInTheCache_SnapshotsTheNewestDefaultAndAsksCustomerOnlyForWhatIsMissing()
    {
        // Customer's API knows the customer's registration addresses (billing "1 Bill St", shipping "2 Ship Rd").
        var customer = host.Customers.Add();
        var order = await host.CreateAsync(customer.Id, (host.Products.Add(10m), 1));
        var (older, newer) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        // Delivered newest first: the newer default is still the default.
        await host.Client.DeliverAsync("order", Envelope("Customer", customer.Id, 3, new CustomerAddressAdded(customer.Id, Address(newer, AddressKind.Shipping, "9 Newer Rd"))));
        await host.Client.DeliverAsync("order", Envelope("Customer", customer.Id, 2, new CustomerAddressAdded(customer.Id, Address(older, AddressKind.Shipping, "8 Older Rd"))));

        using var response = await host.PostAsync($"/orders/{order.Id}/submit", new SubmitOrderRequest());
        response.EnsureSuccessStatusCode();
        var submitted = (await response.Content.ReadFromJsonAsync<OrderResponse>(CommerceJson.Options))!;

        Assert.Equal(("9 Newer Rd", "1 Bill St"), (submitted.ShippingAddress!.Line1, submitted.BillingAddress!.Line1));

        var another = await host.CreateAsync(customer.Id, (host.Products.Add(10m), 1));
        using var chosen = await host.PostAsync($"/orders/{another.Id}/submit", new SubmitOrderRequest(ShippingAddressId: older));
        Assert.Equal("8 Older Rd", (await chosen.Content.ReadFromJsonAsync<OrderResponse>(CommerceJson.Options))!.ShippingAddress!.Line1);
    }

    private static string NewPrefix() => Guid.NewGuid().ToString()[..19];

    private static Guid Id(string prefix, int n) => Guid.Parse($"{prefix}0000-{n:D12}");

    private static AddressResponse Address(Guid id, AddressKind kind, string line1) =>
        new(id, kind, "Ada", line1, null, "London", null, "N1", "GB", IsDefault: true);

    private static ProductResponse ProductOf(Guid id) => new(id, "", "", "", "", 0m, "USD", ProductStatus.Active, [], [], null, 1);

    private static EventEnvelope Envelope<T>(string source, object aggregateId, int version, T payload) =>
        TestSupport.Envelope(source, aggregateId.ToString()!, version, payload);

    private static object? Rows(List<object?[]> rows) => rows.Count == 0 ? null : rows;

    private static string Json(object? copy) => System.Text.Json.JsonSerializer.Serialize(copy, CommerceJson.Options);
}
