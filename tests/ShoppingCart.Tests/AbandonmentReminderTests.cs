using Commerce.ShoppingCart.Contracts;

namespace Commerce.ShoppingCart.Tests;

/// <summary>Shopping Cart with Notification co-hosted: an abandoned cart reaches the customer as one reminder.</summary>
public sealed class AbandonmentReminderTests(AbandonmentReminderTests.Fixture fixture) : IClassFixture<AbandonmentReminderTests.Fixture>
{
    [Fact]
    public async Task Sweep_IdleCartSweptTwice_CustomerRemindedOnceThenTheCartExpires()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var product = await fixture.NewProductAsync(4.25m);
        var carts = CartFixture.Carts(client);
        await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(2));

        fixture.Clock.Advance(TimeSpan.FromHours(24));
        await fixture.Sweeper.SweepAsync(default);
        await fixture.Sweeper.SweepAsync(default);
        await CartFixture.EventuallyAsync(async () => await RemindersAsync(customerId) > 0, "the reminder");
        fixture.Clock.Advance(TimeSpan.FromDays(6));
        await fixture.Sweeper.SweepAsync(default);

        var reminder = Assert.Single(await fixture.Sql.RowsAsync(
            "SELECT subject, body FROM notification.notifications WHERE customer_id = $1 AND template_key = 'cart-abandoned'", customerId));
        Assert.Equal("Your cart is waiting", reminder[0]);
        Assert.Contains("2 item(s) worth 8.50 USD", (string)reminder[1]!, StringComparison.Ordinal);
        Assert.Equal(0, await fixture.CartsOfAsync(customerId));
        Assert.Null((await carts.GetCartAsync(customerId)).Id);
    }

    private Task<long> RemindersAsync(Guid customerId) =>
        fixture.Sql.CountAsync("notification.notifications", "customer_id = $1 AND template_key = 'cart-abandoned'", customerId);

    public sealed class Fixture : CartFixture
    {
        protected override string Contexts => "ShoppingCart,Product,Customer,Notification";
    }
}
