using System.Net;
using System.Net.Http.Json;
using Commerce.Order.Contracts;
using Commerce.Pricing.Contracts;
using Commerce.ServiceDefaults;

namespace Commerce.Order.Tests;

/// <summary>An order created from a Pricing quote keeps the quote's prices, discounts and coupon, never Product's.</summary>
public sealed class OrderQuoteTests(OrderHost host) : IClassFixture<OrderHost>
{
    [Fact]
    public async Task Create_WithQuote_SnapshotsTheQuotedPricesDiscountsAndCoupon()
    {
        var customer = host.Customers.Add();
        var cup = host.Products.Add(4.00m);
        var pot = host.Products.Add(30.00m);
        var promotion = Guid.NewGuid();
        // Product's price is not the quote's: the quote's sale price and discounts are what the customer was shown.
        var quote = Quote(customer.Id, [Line(cup.Id, 3, unitPrice: 3.50m, discount: 1.05m), Line(pot.Id, 1, unitPrice: 30.00m, discount: 0m)],
            orderDiscount: 3.95m, coupon: "SAVE10", new AppliedPromotion(promotion, "10 % off", "SAVE10", 3.95m));

        var order = await CreateAsync(customer.Id, quote.QuoteId, (cup.Id, 3), (pot.Id, 1));

        Assert.Equal(
            [(3.50m, 3, 1.05m, 9.45m), (30.00m, 1, 0m, 30.00m)],
            order.Items.Select(i => (i.UnitPrice, i.Quantity, i.Discount, i.LineTotal)));
        Assert.Equal((3.95m, 35.50m, "SAVE10", quote.QuoteId), (order.OrderDiscount, order.Total, order.CouponCode, order.QuoteId));
        Assert.Equal(new OrderPromotion(promotion, "10 % off", "SAVE10", 3.95m), Assert.Single(order.Promotions!));
        // A later quote change (or expiry) leaves the snapshot alone.
        host.Pricing.Quotes.TryRemove(quote.QuoteId, out _);
        Assert.Equal(35.50m, (await host.GetAsync(order.Id)).Total);
        var created = await host.Sql.RowsAsync("SELECT payload->>'couponCode' FROM \"order\".outbox_messages WHERE aggregate_id = $1", order.Id.ToString());
        Assert.Equal("SAVE10", Assert.Single(created)[0]);
    }

    [Fact]
    public async Task Create_WithQuoteOfAnotherCustomerExpiredOrOtherItems_IsUnprocessableAndWritesNothing()
    {
        var customer = host.Customers.Add();
        var other = host.Customers.Add();
        var cup = host.Products.Add(4.00m);
        var othersQuote = Quote(other.Id, [Line(cup.Id, 1, 4.00m, 0m)]);
        var expired = Quote(customer.Id, [Line(cup.Id, 1, 4.00m, 0m)], expiresAt: DateTimeOffset.UtcNow.AddSeconds(-1));
        var otherItems = Quote(customer.Id, [Line(cup.Id, 2, 4.00m, 0m)]);

        foreach (var quoteId in (Guid[])[othersQuote.QuoteId, expired.QuoteId, otherItems.QuoteId, Guid.NewGuid()])
        {
            var response = await host.Client.PostAsJsonAsync("/orders",
                new CreateOrderRequest(customer.Id, [new CreateOrderItem(cup.Id, 1)], quoteId), CommerceJson.Options);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(0, await host.Sql.CountAsync("\"order\".orders", "customer_id = $1", customer.Id));
    }

    [Fact]
    public async Task Create_SameKeyTwiceWithTwoQuotesOfTheSameItems_ReturnsTheFirstOrder()
    {
        // Two clicks on one cart each quote before ordering: the second is a repeat of the first, not a conflict.
        var customer = host.Customers.Add();
        var cup = host.Products.Add(4.00m);
        var first = Quote(customer.Id, [Line(cup.Id, 2, 4.00m, 0m)]);
        var second = Quote(customer.Id, [Line(cup.Id, 2, 4.00m, 0m)]);

        var created = await CreateAsync(customer.Id, first.QuoteId, key: "cart-1-v3", (cup.Id, 2));
        var repeated = await CreateAsync(customer.Id, second.QuoteId, key: "cart-1-v3", (cup.Id, 2));

        Assert.Equal((created.Id, first.QuoteId), (repeated.Id, repeated.QuoteId));
        Assert.Equal(1, await host.Sql.CountAsync("\"order\".orders", "customer_id = $1", customer.Id));
    }

    private QuoteResponse Quote(
        Guid customerId,
        IReadOnlyList<QuoteLine> lines,
        decimal orderDiscount = 0,
        string? coupon = null,
        AppliedPromotion? promotion = null,
        DateTimeOffset? expiresAt = null)
    {
        var subtotal = lines.Sum(l => l.LineTotal);
        IReadOnlyList<PriceAdjustment> orderAdjustments = orderDiscount == 0
            ? []
            : [new PriceAdjustment(AdjustmentSource.Promotion, promotion!.PromotionId, promotion.Name, orderDiscount)];
        var quote = new QuoteResponse(Guid.NewGuid(), customerId, "USD", lines, subtotal, orderAdjustments, subtotal - orderDiscount,
            promotion is null ? [] : [promotion], coupon, DateTimeOffset.UtcNow, expiresAt ?? DateTimeOffset.UtcNow.AddMinutes(30));
        host.Pricing.Quotes[quote.QuoteId] = quote;
        return quote;
    }

    private static QuoteLine Line(Guid productId, int quantity, decimal unitPrice, decimal discount) =>
        new(productId, $"SKU-{productId:N}"[..16], "Quoted name", "Things", quantity, unitPrice + 0.50m, unitPrice,
            discount == 0 ? [] : [new PriceAdjustment(AdjustmentSource.PricingRule, Guid.NewGuid(), "Quantity tier", discount)],
            discount, (unitPrice * quantity) - discount);

    private Task<OrderResponse> CreateAsync(Guid customerId, Guid quoteId, params (Guid ProductId, int Quantity)[] items) =>
        CreateAsync(customerId, quoteId, key: null, items);

    private async Task<OrderResponse> CreateAsync(Guid customerId, Guid quoteId, string? key, params (Guid ProductId, int Quantity)[] items)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders")
        {
            Content = JsonContent.Create(
                new CreateOrderRequest(customerId, [.. items.Select(i => new CreateOrderItem(i.ProductId, i.Quantity))], quoteId),
                options: CommerceJson.Options),
        };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        var response = await host.Client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<OrderResponse>(CommerceJson.Options))!;
    }
}
