using System.Net;
using System.Net.Http.Json;
using Commerce.Product.Contracts;
using Commerce.Promotion.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ShoppingCart.Contracts;
using Refit;

namespace Commerce.ShoppingCart.Tests;

/// <summary>The cart host with Pricing and Promotion too: carts priced by real quotes, coupons checked by Promotion.</summary>
public sealed class PricedCartFixture : CartFixture
{
    protected override string Contexts => "ShoppingCart,Product,Customer,Pricing,Promotion";

    public IPromotionApi Promotions => RestService.For<IPromotionApi>(Client,
        new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    /// <summary>An active order-wide coupon promotion in USD; returns the promotion's id and its one code.</summary>
    public async Task<(Guid PromotionId, string Code)> NewCouponAsync(decimal percentOff)
    {
        var now = Clock.GetUtcNow();
        var promotion = await Promotions.CreatePromotionAsync(new CreatePromotionRequest(
            $"{percentOff} % off", new PromotionTerms(DiscountKind.Percentage, percentOff, "USD", PromotionScope.Order),
            now.AddMinutes(-1), now.AddDays(1), RequiresCoupon: true));
        var code = $"CART-{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        await Promotions.CreateCouponAsync(promotion.Id, new CreateCouponRequest(code, 100));
        return (promotion.Id, code);
    }
}

public sealed class PricedCartTests(PricedCartFixture fixture) : IClassFixture<PricedCartFixture>
{
    [Fact]
    public async Task Get_PriceChangedAfterAdding_QuotesTheNewPriceBesideTheOneSeen()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var product = await fixture.NewProductAsync(20m);
        var carts = CartFixture.Carts(client);
        await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(2));

        await fixture.Products.ChangePriceAsync(product.Id, new ChangePriceRequest(25m, "USD"));
        await CartFixture.EventuallyAsync(async () => (await carts.GetCartAsync(customerId)).Lines[0].UnitPrice == 25m,
            "ProductPriceChanged to reach Pricing");

        var cart = await carts.GetCartAsync(customerId);
        var line = Assert.Single(cart.Lines);
        Assert.Equal((20m, 25m, true, 50m), (line.PriceWhenAdded, line.UnitPrice, line.PriceChanged, line.LineTotal));
        Assert.NotNull(cart.PricedAt);
        Assert.Equal((50m, 0m, 50m, "USD"), (cart.Subtotal, cart.Discount, cart.Total, cart.Currency));
    }

    [Fact]
    public async Task ApplyCoupon_Usable_IsKeptUpperCaseAndDiscounts()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var product = await fixture.NewProductAsync(40m);
        var (promotionId, code) = await fixture.NewCouponAsync(percentOff: 25);
        var carts = CartFixture.Carts(client);
        await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(1));

        var applied = await carts.ApplyCouponAsync(customerId, new ApplyCouponRequest(code.ToLowerInvariant()));
        var read = await carts.GetCartAsync(customerId);

        foreach (var cart in new[] { applied, read })
        {
            Assert.Equal((code, null, 40m, 10m, 30m), (cart.CouponCode, cart.CouponProblem, cart.Subtotal, cart.Discount, cart.Total));
            Assert.Equal(promotionId, Assert.Single(cart.Promotions).PromotionId);
        }

        var removed = await carts.RemoveCouponAsync(customerId);
        Assert.Equal((null, 40m, 0m), (removed.CouponCode, removed.Total, removed.Discount));
    }

    [Fact]
    public async Task ApplyCoupon_UnknownCode_Is422WithPromotionsReasonAndStoresNothing()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var product = await fixture.NewProductAsync();
        var carts = CartFixture.Carts(client);
        var before = await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(1));

        using var response = await client.PutAsJsonAsync($"/carts/{customerId}/coupon", new ApplyCouponRequest("NO-SUCH-CODE"), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("\"detail\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var after = await carts.GetCartAsync(customerId);
        Assert.Equal((null, before.Version), (after.CouponCode, after.Version));
    }

    [Fact]
    public async Task Get_CouponNoLongerUsable_KeepsTheCodeAndPricesWithoutIt()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var product = await fixture.NewProductAsync(10m);
        var (promotionId, code) = await fixture.NewCouponAsync(percentOff: 50);
        var carts = CartFixture.Carts(client);
        await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(2));
        await carts.ApplyCouponAsync(customerId, new ApplyCouponRequest(code));

        await fixture.Promotions.DeactivateAsync(promotionId);
        var cart = await carts.GetCartAsync(customerId);

        Assert.Equal(code, cart.CouponCode);
        Assert.False(string.IsNullOrWhiteSpace(cart.CouponProblem));
        Assert.NotNull(cart.PricedAt);
        Assert.Equal((20m, 0m, 20m), (cart.Subtotal, cart.Discount, cart.Total));
        Assert.Empty(cart.Promotions);
    }
}
