using System.Net;
using System.Net.Http.Json;
using System.Text;
using Commerce.Customer.Contracts;
using Commerce.Promotion.Contracts;
using Commerce.ServiceDefaults;
using Microsoft.AspNetCore.Mvc;

namespace Commerce.Promotion.Tests;

public sealed class CouponTests(PromotionHost host) : IClassFixture<PromotionHost>
{
    [Fact]
    public async Task Create_LowerCaseCode_IsKeptUpperCase_AndReadable()
    {
        var promotion = await host.CreatePromotionAsync();

        var coupon = await host.CreateCouponAsync(promotion.Id, usageLimit: 3, code: "spring-sale_1");
        var read = await host.CouponAsync("Spring-Sale_1");

        Assert.Equal("SPRING-SALE_1", coupon.Code);
        Assert.Equal(coupon, read);
        Assert.Equal((3, 1, 0), (read.UsageLimit!.Value, read.PerCustomerLimit, read.Used));
    }

    [Fact]
    public async Task Create_ExistingCode_Is409_AutomaticPromotionIs422_UnknownPromotionIs404()
    {
        var promotion = await host.CreatePromotionAsync();
        var automatic = await host.CreatePromotionAsync(requiresCoupon: false);
        var coupon = await host.CreateCouponAsync(promotion.Id);

        var again = await PostCouponAsync(promotion.Id, $$"""{"code":"{{coupon.Code.ToLowerInvariant()}}"}""");
        var forAutomatic = await PostCouponAsync(automatic.Id, """{"code":"AUTO-1"}""");
        var unknown = await PostCouponAsync(Guid.NewGuid(), """{"code":"NOPE-1"}""");

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, forAutomatic.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("'; DROP TABLE x;--")]
    [InlineData("4242424242424242")]
    [InlineData("AB")]
    [InlineData("THIS-CODE-IS-FAR-TOO-LONG-TO-BE-ONE")]
    [InlineData("SPACE IN")]
    [InlineData("ÄPFEL")]
    public async Task Create_BadCode_Is400WithoutEchoingIt(string code)
    {
        var promotion = await host.CreatePromotionAsync();
        var before = await host.Sql.CountAsync("promotion.coupons");

        var response = await PostCouponAsync(promotion.Id, $$"""{"code":{{System.Text.Json.JsonSerializer.Serialize(code)}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(CommerceJson.Options);
        Assert.Contains("code", problem!.Errors.Keys);
        Assert.DoesNotContain(code, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await host.Sql.CountAsync("promotion.coupons"));
    }

    [Theory]
    [InlineData("""{"code":"LIMIT-0","usageLimit":0}""")]
    [InlineData("""{"code":"LIMIT-1","perCustomerLimit":0}""")]
    [InlineData("""{"code":"LIMIT-2","customerId":"00000000-0000-0000-0000-000000000000"}""")]
    public async Task Create_BadLimits_Is400(string body)
    {
        var promotion = await host.CreatePromotionAsync();

        Assert.Equal(HttpStatusCode.BadRequest, (await PostCouponAsync(promotion.Id, body)).StatusCode);
    }

    [Fact]
    public async Task Validate_UsableCoupon_AnswersTheTerms()
    {
        var terms = new PromotionTerms(DiscountKind.FixedAmount, 5m, "USD", PromotionScope.Categories, Categories: ["Audio"], MinimumOrderTotal: 20m);
        var promotion = await host.CreatePromotionAsync(terms);
        var coupon = await host.CreateCouponAsync(promotion.Id);

        var response = await host.ValidateAsync(coupon.Code.ToLowerInvariant(), Guid.NewGuid(), "USD",
            PromotionHost.Line(15m, category: "Peripherals"), PromotionHost.Line(10m, category: "audio"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var validation = (await response.Content.ReadFromJsonAsync<CouponValidation>(CommerceJson.Options))!;
        Assert.Equal((coupon.Code, promotion.Id, promotion.Name, promotion.EndsAt),
            (validation.Code, validation.PromotionId, validation.PromotionName, validation.EndsAt));
        var t = validation.Terms;
        Assert.Equal((terms.Kind, terms.Value, terms.Currency, terms.Scope, terms.MinimumOrderTotal),
            (t.Kind, t.Value, t.Currency, t.Scope, t.MinimumOrderTotal));
        Assert.Equal(["Audio"], t.Categories!);
    }

    [Fact]
    public async Task Validate_UnknownCodeAndAnotherCustomersPersonalCode_GiveTheSameAnswer()
    {
        var promotion = await host.CreatePromotionAsync();
        var owner = Guid.NewGuid();
        var personal = await host.CreateCouponAsync(promotion.Id, customerId: owner);

        var unknown = await host.ValidateAsync("NO-SUCH-CODE", Guid.NewGuid());
        var notYours = await host.ValidateAsync(personal.Code, Guid.NewGuid());
        var yours = await host.ValidateAsync(personal.Code, owner);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notYours.StatusCode);
        Assert.Equal(await DetailAsync(unknown), await DetailAsync(notYours));
        Assert.Equal(HttpStatusCode.OK, yours.StatusCode);
    }

    [Fact]
    public async Task Validate_OutsideTheWindow_Is422EvenBeforeTheSweeperRuns()
    {
        var promotion = await host.CreatePromotionAsync(runsFor: TimeSpan.FromMinutes(10));
        var later = await host.CreatePromotionAsync(startsIn: TimeSpan.FromMinutes(30));
        var coupon = await host.CreateCouponAsync(promotion.Id);
        var scheduled = await host.CreateCouponAsync(later.Id);

        var notYet = await host.ValidateAsync(scheduled.Code, Guid.NewGuid());
        host.Clock.Advance(TimeSpan.FromMinutes(10));
        var ended = await host.ValidateAsync(coupon.Code, Guid.NewGuid());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, notYet.StatusCode);
        Assert.Contains("starts", await DetailAsync(notYet), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, ended.StatusCode);
        Assert.Contains("ended", await DetailAsync(ended), StringComparison.Ordinal);
        Assert.Equal(PromotionStatus.Active,
            (await host.Client.GetFromJsonAsync<PromotionResponse>($"/promotions/{promotion.Id}", CommerceJson.Options))!.Status);
    }

    [Fact]
    public async Task Validate_Deactivated_Is422()
    {
        var promotion = await host.CreatePromotionAsync();
        var coupon = await host.CreateCouponAsync(promotion.Id);
        (await host.Client.PostAsync($"/promotions/{promotion.Id}/deactivate", null)).EnsureSuccessStatusCode();

        var response = await host.ValidateAsync(coupon.Code, Guid.NewGuid());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("deactivated", await DetailAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MembershipFromCustomerEvents_DecidesEligibility()
    {
        var promotion = await host.CreatePromotionAsync(PromotionHost.Percent(15) with { MinimumMembership = "Gold" });
        var coupon = await host.CreateCouponAsync(promotion.Id);
        var customer = Guid.NewGuid();
        var preferences = new CustomerPreferences("en", "USD", []);

        var unknownCustomer = await host.ValidateAsync(coupon.Code, customer);
        await host.Client.DeliverAsync("promotion", host.Envelope("Customer", customer, 1,
            new CustomerRegistered(customer, "Ada", "ada@example.com", null, MembershipLevel.Standard, preferences)));
        await host.Client.DeliverAsync("promotion", host.Envelope("Customer", customer, 2,
            new CustomerMembershipUpgraded(customer, MembershipLevel.Standard, MembershipLevel.Silver)));
        var silver = await host.ValidateAsync(coupon.Code, customer);
        await host.Client.DeliverAsync("promotion", host.Envelope("Customer", customer, 4,
            new CustomerMembershipUpgraded(customer, MembershipLevel.Silver, MembershipLevel.Platinum)));
        // An older upgrade arriving late changes nothing.
        var stale = await host.Client.DeliverAsync("promotion", host.Envelope("Customer", customer, 3,
            new CustomerMembershipUpgraded(customer, MembershipLevel.Silver, MembershipLevel.Gold)));
        var platinum = await host.ValidateAsync(coupon.Code, customer);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownCustomer.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, silver.StatusCode);
        Assert.Contains("Gold", await DetailAsync(silver), StringComparison.Ordinal);
        Assert.Equal(Commerce.ServiceDefaults.Messaging.InboxOutcome.Stale, stale);
        Assert.Equal(HttpStatusCode.OK, platinum.StatusCode);
        Assert.Equal("Platinum", await host.Sql.ScalarAsync<string>(
            "SELECT membership FROM promotion.customer_tiers WHERE customer_id = $1", customer));
    }

    [Fact]
    public async Task Validate_OtherCurrency_Is422()
    {
        var promotion = await host.CreatePromotionAsync();
        var coupon = await host.CreateCouponAsync(promotion.Id);

        var response = await host.ValidateAsync(coupon.Code, Guid.NewGuid(), "EUR");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("USD", await DetailAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_LinesBelowTheMinimumTotal_Is422_AndAtItIs200()
    {
        var promotion = await host.CreatePromotionAsync(PromotionHost.Percent(10) with { MinimumOrderTotal = 100m });
        var coupon = await host.CreateCouponAsync(promotion.Id);

        var below = await host.ValidateAsync(coupon.Code, Guid.NewGuid(), "USD", PromotionHost.Line(60m), PromotionHost.Line(39.99m));
        var at = await host.ValidateAsync(coupon.Code, Guid.NewGuid(), "USD", PromotionHost.Line(60m), PromotionHost.Line(40m));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, below.StatusCode);
        Assert.Equal(HttpStatusCode.OK, at.StatusCode);
    }

    [Fact]
    public async Task Validate_NoLineInTheProductScope_Is422()
    {
        var product = Guid.NewGuid();
        var promotion = await host.CreatePromotionAsync(new PromotionTerms(DiscountKind.Percentage, 20m, "USD", PromotionScope.Products, [product]));
        var coupon = await host.CreateCouponAsync(promotion.Id);

        var outside = await host.ValidateAsync(coupon.Code, Guid.NewGuid(), "USD", PromotionHost.Line(30m));
        var inside = await host.ValidateAsync(coupon.Code, Guid.NewGuid(), "USD", PromotionHost.Line(30m), PromotionHost.Line(5m, product));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, outside.StatusCode);
        Assert.Contains("scope", await DetailAsync(outside), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, inside.StatusCode);
    }

    [Fact]
    public async Task Validate_UsedUp_Is422_AndPerCustomerLimitCountsOnlyThatCustomer()
    {
        var promotion = await host.CreatePromotionAsync();
        var once = await host.CreateCouponAsync(promotion.Id, usageLimit: 1);
        var perCustomer = await host.CreateCouponAsync(promotion.Id, perCustomerLimit: 1);
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        (await host.ClaimAsync(PromotionHost.NewKey(), once.Code, first)).EnsureSuccessStatusCode();
        (await host.ClaimAsync(PromotionHost.NewKey(), perCustomer.Code, first)).EnsureSuccessStatusCode();

        var usedUp = await host.ValidateAsync(once.Code, second);
        var sameCustomer = await host.ValidateAsync(perCustomer.Code, first);
        var otherCustomer = await host.ValidateAsync(perCustomer.Code, second);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, usedUp.StatusCode);
        Assert.Contains("used up", await DetailAsync(usedUp), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, sameCustomer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherCustomer.StatusCode);
    }

    [Theory]
    [InlineData("""{"code":"'; DROP TABLE x;--","customerId":"0c000000-0000-0000-0000-000000000001","currency":"USD","lines":[]}""")]
    [InlineData("""{"code":"4242424242424242","customerId":"0c000000-0000-0000-0000-000000000001","currency":"USD","lines":[]}""")]
    [InlineData("""{"code":"WELCOME10","customerId":"00000000-0000-0000-0000-000000000000","currency":"USD","lines":[]}""")]
    [InlineData("""{"code":"WELCOME10","customerId":"0c000000-0000-0000-0000-000000000001","currency":"dollars","lines":[]}""")]
    [InlineData("""{"code":"WELCOME10","customerId":"0c000000-0000-0000-0000-000000000001","currency":"USD","lines":[{"productId":"0f000000-0000-0000-0000-000000000001","category":"Audio","lineTotal":-1}]}""")]
    public async Task Validate_BadInput_Is400(string body)
    {
        var response = await host.Pricing.PostAsync("/promotions/coupons/validate", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("4242", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> PostCouponAsync(Guid promotionId, string body) =>
        host.Client.PostAsync($"/promotions/{promotionId}/coupons", new StringContent(body, Encoding.UTF8, "application/json"));

    private static async Task<string> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<ProblemDetails>(CommerceJson.Options))!.Detail!;
}
