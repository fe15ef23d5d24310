using Commerce.ShoppingCart.Contracts;

namespace Commerce.ShoppingCart.Tests;

/// <summary>The sweeper driven by hand with a manual clock (its background loop is off in tests), on a database of its own.</summary>
public sealed class AbandonmentTests(CartFixture fixture) : IClassFixture<CartFixture>
{
    [Fact]
    public async Task Sweep_IdleCartSweptTwice_AbandonsItOnce()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var product = await fixture.NewProductAsync(4.25m);
        var cart = await CartFixture.Carts(client).SetItemAsync(customerId, product.Id, new SetCartItemRequest(2));

        fixture.Clock.Advance(TimeSpan.FromHours(24));
        await fixture.Sweeper.SweepAsync(default);
        await fixture.Sweeper.SweepAsync(default);

        var events = await fixture.Sql.EventsAsync("shoppingcart", cart.Id!.Value);
        Assert.Equal(["ItemAddedToCart", "CartAbandoned"], events.Select(e => e.Type));
        var abandoned = events[1].Payload;
        Assert.Equal((2, 8.50m, "USD"), (abandoned.GetProperty("itemCount").GetInt32(), abandoned.GetProperty("subtotal").GetDecimal(),
            abandoned.GetProperty("currency").GetString()));
        Assert.Equal(1, await fixture.Sql.CountAsync("shoppingcart.carts", "id = $1 AND abandoned_at IS NOT NULL", cart.Id.Value));
    }

    [Fact]
    public async Task Sweep_ActivityBeforeTheDeadline_RestartsTheIdleClock()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var product = await fixture.NewProductAsync();
        var carts = CartFixture.Carts(client);
        var cart = await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(1));

        fixture.Clock.Advance(TimeSpan.FromHours(23));
        await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(2));
        fixture.Clock.Advance(TimeSpan.FromHours(2));
        await fixture.Sweeper.SweepAsync(default);
        var afterActivity = await fixture.EventTypesAsync(cart.Id!.Value);
        fixture.Clock.Advance(TimeSpan.FromHours(22));
        await fixture.Sweeper.SweepAsync(default);

        Assert.DoesNotContain("CartAbandoned", afterActivity);
        Assert.Equal(["ItemAddedToCart", "ItemAddedToCart", "CartAbandoned"], await fixture.EventTypesAsync(cart.Id.Value));
    }

    [Fact]
    public async Task Sweep_ChangeAfterAbandonment_StartsANewIdleSpell()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var product = await fixture.NewProductAsync();
        var carts = CartFixture.Carts(client);
        var cart = await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(1));
        fixture.Clock.Advance(TimeSpan.FromHours(25));
        await fixture.Sweeper.SweepAsync(default);

        await carts.RemoveItemAsync(customerId, Guid.NewGuid()); // nothing to remove: not a change
        await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(3));
        fixture.Clock.Advance(TimeSpan.FromHours(25));
        await fixture.Sweeper.SweepAsync(default);

        Assert.Equal(["ItemAddedToCart", "CartAbandoned", "ItemAddedToCart", "CartAbandoned"], await fixture.EventTypesAsync(cart.Id!.Value));
    }

    [Fact]
    public async Task Sweep_SevenDaysIdle_DeletesTheCartWithCartExpired()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var product = await fixture.NewProductAsync();
        var cart = await CartFixture.Carts(client).SetItemAsync(customerId, product.Id, new SetCartItemRequest(1));

        fixture.Clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        await fixture.Sweeper.SweepAsync(default);
        var before = await fixture.CartsOfAsync(customerId);
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await fixture.Sweeper.SweepAsync(default);

        Assert.Equal(1, before);
        Assert.Equal(0, await fixture.CartsOfAsync(customerId));
        Assert.Equal(0, await fixture.Sql.CountAsync("shoppingcart.cart_lines", "cart_id = $1", cart.Id!.Value));
        Assert.Equal("CartExpired", (await fixture.EventTypesAsync(cart.Id.Value))[^1]);
    }

    [Fact]
    public async Task Sweep_TwoSweepersAtOnce_PublishEachEventOnce()
    {
        var customers = new List<Guid>();
        var product = await fixture.NewProductAsync();
        for (var i = 0; i < 5; i++)
        {
            var (customerId, client) = await fixture.NewCustomerAsync();
            await CartFixture.Carts(client).SetItemAsync(customerId, product.Id, new SetCartItemRequest(1));
            customers.Add(customerId);
        }

        fixture.Clock.Advance(TimeSpan.FromDays(2));
        await Task.WhenAll(fixture.Sweeper.SweepAsync(default), fixture.Sweeper.SweepAsync(default));

        foreach (var customerId in customers)
        {
            var cartId = await fixture.Sql.ScalarAsync<Guid>("SELECT id FROM shoppingcart.carts WHERE customer_id = $1", customerId);
            Assert.Single(await fixture.EventTypesAsync(cartId), t => t == "CartAbandoned");
        }
    }
}
