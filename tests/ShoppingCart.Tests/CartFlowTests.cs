using System.Net.Http.Json;
using Commerce.Product.Contracts;
using Commerce.Promotion.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Commerce.ShoppingCart.Contracts;
using Commerce.Testing;
using Refit;

namespace Commerce.ShoppingCart.Tests;

/// <summary>The cart host with Pricing and Promotion: ItemAddedToCart reaches Product, Promotion's events the cart's coupon.</summary>
public sealed class CartFlowFixture : CartFixture
{
    protected override string Contexts => "ShoppingCart,Product,Customer,Pricing,Promotion";

    public IPromotionApi Promotions => RestService.For<IPromotionApi>(Client,
        new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });
}

public sealed class CartFlowTests(CartFlowFixture fixture) : IClassFixture<CartFlowFixture>
{
    [Fact]
    public async Task ItemsAddedToCarts_AreCountedOnTheProduct_ForOperatorsOnly()
    {
        var product = await fixture.NewProductAsync(15m);
        foreach (var quantity in new[] { 1, 2 })
        {
            var (customerId, client) = await fixture.NewCustomerAsync();
            var carts = CartFixture.Carts(client);
            await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(quantity));
            // Raising the quantity announces the product again: the same cart still counts once.
            await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(quantity + 3));
        }

        var seen = await Poll.UntilAsync(
            () => fixture.Client.GetFromJsonAsync<ProductResponse>($"/products/{product.Id}", CommerceJson.Options), p => p!.InCarts == 2);
        Assert.Equal(2, seen!.InCarts);
        Assert.Null((await fixture.Anonymous.GetFromJsonAsync<ProductResponse>($"/products/{product.Id}", CommerceJson.Options))!.InCarts);
    }

    [Fact]
    public async Task CartCoupon_ShowsItsPromotionFromTheCache_UntilPromotionEndsIt()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var product = await fixture.NewProductAsync(40m);
        var now = fixture.Clock.GetUtcNow();
        var promotion = await fixture.Promotions.CreatePromotionAsync(new CreatePromotionRequest(
            "Autumn 10", new PromotionTerms(DiscountKind.Percentage, 10, "USD", PromotionScope.Order), now.AddMinutes(-1), now.AddDays(3), RequiresCoupon: true));
        var code = $"FLOW-{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        await fixture.Promotions.CreateCouponAsync(promotion.Id, new CreateCouponRequest(code, 100));
        var carts = CartFixture.Carts(client);
        await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(1));
        await carts.ApplyCouponAsync(customerId, new ApplyCouponRequest(code));

        // PromotionActivated → ShoppingCart's cache → GET /carts/{customerId}.
        var shown = await Poll.UntilAsync(() => carts.GetCartAsync(customerId), c => c.CouponPromotion is not null);
        Assert.Equal((promotion.Id, "Autumn 10", true), (shown.CouponPromotion!.PromotionId, shown.CouponPromotion.Name, shown.CouponPromotion.Active));
        // PostgreSQL keeps microseconds.
        Assert.Equal(promotion.StartsAt, shown.CouponPromotion.StartsAt!.Value, TimeSpan.FromMilliseconds(1));
        Assert.Equal(promotion.EndsAt, shown.CouponPromotion.EndsAt!.Value, TimeSpan.FromMilliseconds(1));

        // PromotionExpired → the cache: still named, no longer running.
        await fixture.Promotions.DeactivateAsync(promotion.Id);
        var ended = await Poll.UntilAsync(() => carts.GetCartAsync(customerId), c => c.CouponPromotion?.Active == false);
        Assert.Equal("Autumn 10", ended.CouponPromotion!.Name);
    }

    [Fact]
    public async Task CartEvents_InEveryOrderWithDuplicates_CountTheCartOncePerProduct()
    {
        var cartId = Guid.NewGuid();
        var customerId = Guid.NewGuid();
        var (lamp, desk) = (Guid.NewGuid(), Guid.NewGuid());
        var events = new List<EventEnvelope>
        {
            TestSupport.Envelope("ShoppingCart", cartId.ToString(), 1, new ItemAddedToCart(cartId, customerId, lamp, 1, 1)),
            TestSupport.Envelope("ShoppingCart", cartId.ToString(), 2, new ItemAddedToCart(cartId, customerId, desk, 2, 2)),
            TestSupport.Envelope("ShoppingCart", cartId.ToString(), 3, new ItemAddedToCart(cartId, customerId, lamp, 4, 5)),
        };

        var converged = await Convergence.AssertEveryOrderConvergesAsync(fixture.Client, "product", events, cartId.ToString(),
            () => Guid.NewGuid().ToString(),
            async copy => string.Join(" ", (await fixture.Sql.RowsAsync(
                "SELECT product_id = $2, quantity, source_version FROM product.cart_holdings WHERE cart_id = $1 ORDER BY source_version",
                Guid.Parse(copy), lamp)).SelectMany(row => row)));

        Assert.Equal("False 2 2 True 5 3", converged);
    }
}
