using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Promotion.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Commerce.Testing;
using Refit;

namespace Commerce.Customer.Tests;

/// <summary>Customer, Payment and Promotion in one host: Payment's and Promotion's events reach Customer's profile.</summary>
public sealed class PurchaseFlowFixture : ContextFixture
{
    protected override string Contexts => "Customer,Payment,Promotion";
}

/// <summary>
/// Payment's cards and money and Promotion's coupon uses, from the owner's API change over the outbox to the profile
/// (GET /customers/{id}); and the copies converge whatever order and how often their events arrive.
/// </summary>
public sealed class PurchaseFlowTests(PurchaseFlowFixture fixture) : IClassFixture<PurchaseFlowFixture>
{
    private static readonly int NextYear = DateTime.UtcNow.Year + 1;

    private readonly IPaymentApi payments = RestService.For<IPaymentApi>(
        fixture.Client, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    [Fact]
    public async Task CardsPaymentsAndCoupons_ReachTheProfile()
    {
        var customer = await PostAsync<CustomerResponse>("/customers", new RegisterCustomerRequest("Mary Jackson", $"mj-{Guid.NewGuid():N}@example.com"));

        // PaymentMethodAdded / PaymentMethodRemoved → Customer: the saved cards.
        var kept = await payments.AddPaymentMethodAsync(new AddPaymentMethodRequest(customer.Id, TestCards.Success, 7, NextYear));
        var dropped = await payments.AddPaymentMethodAsync(new AddPaymentMethodRequest(customer.Id, "5555555555554444", 8, NextYear));
        await payments.RemovePaymentMethodAsync(dropped.Id);

        // PaymentCaptured / PaymentRefunded → Customer: captured 30.00, then 12.50 of it refunded in two parts.
        var payment = await payments.AuthorizeAsync(new AuthorizePaymentRequest(Guid.NewGuid(), kept.Id, 30.00m, "USD", customer.Id), Key());
        await payments.CaptureAsync(payment.Id, new CapturePaymentRequest(), Key());
        await payments.RefundAsync(payment.Id, new RefundPaymentRequest(10.00m), Key());
        await payments.RefundAsync(payment.Id, new RefundPaymentRequest(2.50m), Key());

        // PromotionApplied / PromotionUseReleased → Customer: one use kept, one given back.
        var promotion = await PostAsync<PromotionResponse>("/promotions", new CreatePromotionRequest("Launch",
            new PromotionTerms(DiscountKind.Percentage, 10, "USD", PromotionScope.Order),
            DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), RequiresCoupon: true));
        var code = $"LAUNCH{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        await PostAsync<CouponResponse>($"/promotions/{promotion.Id}/coupons", new CreateCouponRequest(code, PerCustomerLimit: 5));
        var (kept0, released0) = (Guid.NewGuid(), Guid.NewGuid());
        await PostAsync<RedemptionResponse>("/promotions/redemptions", new ClaimCouponRequest($"order-{kept0}", code, customer.Id, kept0, 3m, "USD"));
        await PostAsync<RedemptionResponse>("/promotions/redemptions", new ClaimCouponRequest($"order-{released0}", code, customer.Id, released0, 3m, "USD"));
        (await fixture.Client.PostAsync($"/promotions/redemptions/order-{released0}/release", null)).EnsureSuccessStatusCode();

        var profile = await Poll.UntilAsync(
            () => fixture.Client.GetFromJsonAsync<CustomerResponse>($"/customers/{customer.Id}", CommerceJson.Options),
            c => c!.PaymentMethods is [_] && c.Purchases is [{ Refunded: 12.50m }] && c.Coupons!.Count == 2 && c.Coupons.Any(u => u.Status == CouponUseStatus.Released));

        Assert.Equal(new SavedCardResponse(kept.Id, kept.Brand, "4242", 7, NextYear), profile!.PaymentMethods!.Single());
        Assert.Equal(new PurchaseTotalResponse("USD", 30.00m, 12.50m), profile.Purchases!.Single());
        Assert.Equal(
            [(kept0, CouponUseStatus.Applied), (released0, CouponUseStatus.Released)],
            profile.Coupons!.Select(u => (u.OrderId, u.Status)).OrderBy(u => u.Status).ToList());
        Assert.All(profile.Coupons!, u => Assert.Equal(code, u.Code));
    }

    [Fact]
    public async Task PaymentEvents_InEveryOrderWithDuplicates_CountEachAmountOnce()
    {
        // One payment: captured 40 (v2), refunded 5 (v3, total 5), refunded 10 more (v4, total 15). A refund delivered
        // before its capture still counts; the capture is never counted twice.
        var customerId = Guid.NewGuid();
        var paymentId = Guid.NewGuid();
        var orderId = Guid.NewGuid();
        var events = new List<EventEnvelope>
        {
            TestSupport.Envelope("Payment", paymentId.ToString(), 2, new PaymentCaptured(paymentId, orderId, customerId, 40m, "EUR")),
            TestSupport.Envelope("Payment", paymentId.ToString(), 3, new PaymentRefunded(paymentId, orderId, customerId, 5m, 5m, "EUR")),
            TestSupport.Envelope("Payment", paymentId.ToString(), 4, new PaymentRefunded(paymentId, orderId, customerId, 10m, 15m, "EUR")),
        };

        var converged = await Convergence.AssertEveryOrderConvergesAsync(fixture.Client, "customer", events, paymentId.ToString(),
            () => Guid.NewGuid().ToString(),
            async copy => string.Join(" ", (await fixture.Sql.RowsAsync(
                "SELECT kind, amount, source_version FROM customer.payment_amounts WHERE payment_id = $1 ORDER BY kind", Guid.Parse(copy)))
                .SelectMany(row => row).Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))));

        Assert.Equal("Captured 40.00 2 Refunded 15.00 4", converged);
    }

    [Fact]
    public async Task CardAndCouponEvents_InEveryOrderWithDuplicates_EndRemovedAndReleased()
    {
        var customerId = Guid.NewGuid();
        var methodId = Guid.NewGuid();
        var cards = new List<EventEnvelope>
        {
            TestSupport.Envelope("Payment", methodId.ToString(), 1, new PaymentMethodAdded(methodId, customerId, "Visa", "4242", 1, NextYear)),
            TestSupport.Envelope("Payment", methodId.ToString(), 2, new PaymentMethodRemoved(methodId, customerId)),
        };
        var card = await Convergence.AssertEveryOrderConvergesAsync(fixture.Client, "customer", cards, methodId.ToString(),
            () => Guid.NewGuid().ToString(),
            async copy => string.Join(" ", (await fixture.Sql.RowsAsync(
                "SELECT removed, source_version FROM customer.saved_cards WHERE payment_method_id = $1", Guid.Parse(copy))).SingleOrDefault() ?? []));
        Assert.Equal("True 2", card);

        var key = $"order:{Guid.NewGuid()}";
        var orderId = Guid.NewGuid();
        var promotionId = Guid.NewGuid();
        var uses = new List<EventEnvelope>
        {
            TestSupport.Envelope("Promotion", key, 1, new PromotionApplied(promotionId, "SPRING", customerId, orderId, 2m, "USD")),
            TestSupport.Envelope("Promotion", key, 2, new PromotionUseReleased(promotionId, "SPRING", customerId, orderId)),
        };
        var use = await Convergence.AssertEveryOrderConvergesAsync(fixture.Client, "customer", uses, key,
            () => $"order:{Guid.NewGuid()}",
            async copy => string.Join(" ", (await fixture.Sql.RowsAsync(
                "SELECT code, released, source_version FROM customer.coupon_uses WHERE redemption_id = $1", copy)).SingleOrDefault() ?? []));
        Assert.Equal("SPRING True 2", use);
    }

    private static string Key() => Guid.NewGuid().ToString("N");

    private async Task<T> PostAsync<T>(string path, object body)
    {
        var response = await fixture.Client.PostAsync(path, JsonContent.Create(body, body.GetType(), options: CommerceJson.Options));
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(CommerceJson.Options))!;
    }
}
