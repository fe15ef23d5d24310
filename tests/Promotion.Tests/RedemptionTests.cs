using System.Net;
using System.Net.Http.Json;
using Commerce.Promotion.Contracts;
using Commerce.ServiceDefaults;

namespace Commerce.Promotion.Tests;

public sealed class RedemptionTests(PromotionHost host) : IClassFixture<PromotionHost>
{
    [Fact]
    public async Task Claim_New_Is201WithPromotionApplied_RepeatIs200_OtherDetailsIs409()
    {
        var promotion = await host.CreatePromotionAsync();
        var coupon = await host.CreateCouponAsync(promotion.Id, usageLimit: 5);
        var (key, customer, order) = (PromotionHost.NewKey(), Guid.NewGuid(), Guid.NewGuid());

        var first = await host.ClaimAsync(key, coupon.Code, customer, order, 7.5m);
        var repeat = await host.ClaimAsync(key, coupon.Code.ToLowerInvariant(), customer, order, 7.5m);
        var otherDiscount = await host.ClaimAsync(key, coupon.Code, customer, order, 8m);
        var otherOrder = await host.ClaimAsync(key, coupon.Code, customer, Guid.NewGuid(), 7.5m);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, otherDiscount.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, otherOrder.StatusCode);
        var claimed = (await first.Content.ReadFromJsonAsync<RedemptionResponse>(CommerceJson.Options))!;
        Assert.Equal(claimed, await repeat.Content.ReadFromJsonAsync<RedemptionResponse>(CommerceJson.Options));
        Assert.Equal((RedemptionStatus.Claimed, promotion.Id, 7.5m, "USD", 1), (claimed.Status, claimed.PromotionId, claimed.Discount, claimed.Currency, claimed.Version));
        Assert.Equal(1, (await host.CouponAsync(coupon.Code)).Used);
        var events = await host.Sql.RowsAsync("SELECT type, payload::text FROM promotion.outbox_messages WHERE aggregate_id = $1", key);
        var (type, payload) = ((string)Assert.Single(events)[0]!, (string)events[0][1]!);
        Assert.Equal(nameof(PromotionApplied), type);
        Assert.Contains(order.ToString(), payload, StringComparison.Ordinal);
        Assert.Equal(claimed, await host.SagaWorker.GetFromJsonAsync<RedemptionResponse>($"/promotions/redemptions/{key}", CommerceJson.Options));
    }

    [Fact]
    public async Task Claim_FiftyAtOnceOnATenUseCoupon_ClaimsExactlyTen()
    {
        var promotion = await host.CreatePromotionAsync();
        var coupon = await host.CreateCouponAsync(promotion.Id, usageLimit: 10, perCustomerLimit: 1);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            host.ClaimAsync(PromotionHost.NewKey(), coupon.Code, Guid.NewGuid())));

        var statuses = responses.Select(r => (int)r.StatusCode).ToList();
        Assert.Equal(10, statuses.Count(s => s == 201));
        Assert.Equal(40, statuses.Count(s => s == 422));
        Assert.Equal(10, (await host.CouponAsync(coupon.Code)).Used);
        Assert.Equal(10, await host.Sql.CountAsync("promotion.redemptions", "code = $1 AND status = 'Claimed'", coupon.Code));
        Assert.Equal(10, await host.Sql.CountAsync("promotion.outbox_messages",
            "type = 'PromotionApplied' AND payload->>'code' = $1", coupon.Code));
    }

    [Fact]
    public async Task Claim_OneCustomerConcurrently_HoldsThePerCustomerLimit()
    {
        var promotion = await host.CreatePromotionAsync();
        var coupon = await host.CreateCouponAsync(promotion.Id, usageLimit: null, perCustomerLimit: 3);
        var customer = Guid.NewGuid();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            host.ClaimAsync(PromotionHost.NewKey(), coupon.Code, customer)));
        var other = await host.ClaimAsync(PromotionHost.NewKey(), coupon.Code, Guid.NewGuid());

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(17, responses.Count(r => r.StatusCode == HttpStatusCode.UnprocessableEntity));
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        Assert.Equal(4, (await host.CouponAsync(coupon.Code)).Used);
    }

    [Fact]
    public async Task Claim_SameKeyConcurrently_ClaimsOnce()
    {
        var promotion = await host.CreatePromotionAsync();
        var coupon = await host.CreateCouponAsync(promotion.Id, usageLimit: 10, perCustomerLimit: 10);
        var (key, customer, order) = (PromotionHost.NewKey(), Guid.NewGuid(), Guid.NewGuid());

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => host.ClaimAsync(key, coupon.Code, customer, order)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(1, (await host.CouponAsync(coupon.Code)).Used);
    }

    [Fact]
    public async Task Claim_Refusals_Are422AndClaimNothing()
    {
        var gold = await host.CreatePromotionAsync(PromotionHost.Percent(10) with { MinimumMembership = "Gold" });
        var goldCoupon = await host.CreateCouponAsync(gold.Id);
        var ended = await host.CreatePromotionAsync(runsFor: TimeSpan.FromMinutes(5));
        var endedCoupon = await host.CreateCouponAsync(ended.Id);
        var open = await host.CreatePromotionAsync(runsFor: TimeSpan.FromDays(30));
        var personal = await host.CreateCouponAsync(open.Id, customerId: Guid.NewGuid());
        host.Clock.Advance(TimeSpan.FromMinutes(5));

        var statuses = new[]
        {
            await host.ClaimAsync(PromotionHost.NewKey(), "NO-SUCH-CODE", Guid.NewGuid()),
            await host.ClaimAsync(PromotionHost.NewKey(), goldCoupon.Code, Guid.NewGuid()),
            await host.ClaimAsync(PromotionHost.NewKey(), endedCoupon.Code, Guid.NewGuid()),
            await host.ClaimAsync(PromotionHost.NewKey(), personal.Code, Guid.NewGuid()),
        }.Select(r => r.StatusCode);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.UnprocessableEntity, s));
        Assert.Equal(0, (await host.CouponAsync(goldCoupon.Code)).Used + (await host.CouponAsync(endedCoupon.Code)).Used
            + (await host.CouponAsync(personal.Code)).Used);
    }

    [Fact]
    public async Task Release_GivesTheUseBackOnce_AndUnknownKeyIs404()
    {
        var promotion = await host.CreatePromotionAsync();
        var coupon = await host.CreateCouponAsync(promotion.Id, usageLimit: 1);
        var (key, customer) = (PromotionHost.NewKey(), Guid.NewGuid());
        (await host.ClaimAsync(key, coupon.Code, customer)).EnsureSuccessStatusCode();
        var whileClaimed = await host.ClaimAsync(PromotionHost.NewKey(), coupon.Code, Guid.NewGuid());

        var first = await host.SagaWorker.PostAsync($"/promotions/redemptions/{key}/release", null);
        var repeat = await host.SagaWorker.PostAsync($"/promotions/redemptions/{key}/release", null);
        var unknown = await host.SagaWorker.PostAsync($"/promotions/redemptions/{PromotionHost.NewKey()}/release", null);
        var usedAfterRelease = (await host.CouponAsync(coupon.Code)).Used;
        var afterRelease = await host.ClaimAsync(PromotionHost.NewKey(), coupon.Code, Guid.NewGuid());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, whileClaimed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var released = (await first.Content.ReadFromJsonAsync<RedemptionResponse>(CommerceJson.Options))!;
        Assert.Equal((RedemptionStatus.Released, 2, host.Clock.GetUtcNow()), (released.Status, released.Version, released.ReleasedAt!.Value));
        Assert.Equal(released, await repeat.Content.ReadFromJsonAsync<RedemptionResponse>(CommerceJson.Options));
        Assert.Equal(0, usedAfterRelease);
        Assert.Equal(HttpStatusCode.Created, afterRelease.StatusCode);
        Assert.Equal([nameof(PromotionApplied), nameof(PromotionUseReleased)], await host.Sql.EventTypesAsync("promotion", key));
    }

    [Fact]
    public async Task Release_ConcurrentRepeats_GiveBackOneUse()
    {
        var promotion = await host.CreatePromotionAsync();
        var coupon = await host.CreateCouponAsync(promotion.Id, usageLimit: 5, perCustomerLimit: 5);
        var customer = Guid.NewGuid();
        var keys = new[] { PromotionHost.NewKey(), PromotionHost.NewKey() };
        foreach (var key in keys)
        {
            (await host.ClaimAsync(key, coupon.Code, customer)).EnsureSuccessStatusCode();
        }

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => host.SagaWorker.PostAsync($"/promotions/redemptions/{keys[0]}/release", null)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, (await host.CouponAsync(coupon.Code)).Used);
        Assert.Equal(1, await host.Sql.CountAsync("promotion.outbox_messages", "aggregate_id = $1 AND type = 'PromotionUseReleased'", keys[0]));
    }

    [Theory]
    [InlineData("""{"key":"k'; DROP TABLE x;--","code":"WELCOME10","customerId":"0c000000-0000-0000-0000-000000000001","orderId":"0c000000-0000-0000-0000-000000000002","discount":1,"currency":"USD"}""")]
    [InlineData("""{"key":"k-1","code":"4242424242424242","customerId":"0c000000-0000-0000-0000-000000000001","orderId":"0c000000-0000-0000-0000-000000000002","discount":1,"currency":"USD"}""")]
    [InlineData("""{"key":"k-1","code":"WELCOME10","customerId":"0c000000-0000-0000-0000-000000000001","orderId":"0c000000-0000-0000-0000-000000000002","discount":-1,"currency":"USD"}""")]
    [InlineData("""{"key":"k-1","code":"WELCOME10","customerId":"0c000000-0000-0000-0000-000000000001","orderId":"0c000000-0000-0000-0000-000000000002","discount":1.001,"currency":"USD"}""")]
    [InlineData("""{"key":"k-1","code":"WELCOME10","customerId":"0c000000-0000-0000-0000-000000000001","orderId":"00000000-0000-0000-0000-000000000000","discount":1,"currency":"USD"}""")]
    public async Task Claim_BadInput_Is400AndWritesNothing(string body)
    {
        var response = await host.SagaWorker.PostAsync("/promotions/redemptions",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("4242", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await host.Sql.CountAsync("promotion.redemptions", "key = 'k-1'"));
    }
}
