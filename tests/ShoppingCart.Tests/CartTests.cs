using System.Net;
using System.Net.Http.Json;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ShoppingCart.Contracts;
using Refit;

namespace Commerce.ShoppingCart.Tests;

public sealed class CartTests(CartFixture fixture) : IClassFixture<CartFixture>
{
    [Fact]
    public async Task SetItem_FirstAdd_CreatesTheCartWithTheLineAndPublishesItemAdded()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var product = await fixture.NewProductAsync(12.50m);

        using var response = await client.PutAsJsonAsync($"/carts/{customerId}/items/{product.Id}", new SetCartItemRequest(2), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var cart = (await response.Content.ReadFromJsonAsync<CartResponse>(CommerceJson.Options))!;
        var line = Assert.Single(cart.Lines);
        Assert.Equal((product.Id, product.Sku, 2, 12.50m, true), (line.ProductId, line.Sku, line.Quantity, line.PriceWhenAdded, line.Available));
        Assert.Equal("USD", cart.Currency);
        Assert.Equal(25.00m, cart.Total);
        Assert.Equal(cart.UpdatedAt!.Value.AddDays(7), cart.ExpiresAt);
        var events = await fixture.Sql.EventsAsync("shoppingcart", cart.Id!.Value);
        var added = Assert.Single(events);
        Assert.Equal(("ItemAddedToCart", 1, 2, 2), (added.Type, added.Version,
            added.Payload.GetProperty("quantityAdded").GetInt32(), added.Payload.GetProperty("quantity").GetInt32()));
    }

    [Fact]
    public async Task SetItem_RaiseThenLowerThenRepeat_PublishesOnlyForTheIncrease()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var product = await fixture.NewProductAsync();
        var carts = CartFixture.Carts(client);

        await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(2));
        var raised = await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(5));
        await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(1));
        var repeated = await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(1));

        Assert.Equal(5, Assert.Single(raised.Lines).Quantity);
        Assert.Equal((1, 3), (Assert.Single(repeated.Lines).Quantity, repeated.Version));
        var events = await fixture.Sql.EventsAsync("shoppingcart", repeated.Id!.Value);
        Assert.Equal(["ItemAddedToCart", "ItemAddedToCart"], events.Select(e => e.Type));
        Assert.Equal(3, events[1].Payload.GetProperty("quantityAdded").GetInt32());
    }

    [Fact]
    public async Task RemoveItemThenClear_LeavesNoCart()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var (first, second) = (await fixture.NewProductAsync(), await fixture.NewProductAsync());
        var carts = CartFixture.Carts(client);
        await carts.SetItemAsync(customerId, first.Id, new SetCartItemRequest(1));
        await carts.SetItemAsync(customerId, second.Id, new SetCartItemRequest(3));

        var afterRemoval = await carts.RemoveItemAsync(customerId, first.Id);
        var repeatedRemoval = await carts.RemoveItemAsync(customerId, first.Id);
        await carts.ClearAsync(customerId);
        var afterClear = await carts.GetCartAsync(customerId);

        Assert.Equal(second.Id, Assert.Single(afterRemoval.Lines).ProductId);
        Assert.Equal(afterRemoval.Version, repeatedRemoval.Version);
        Assert.Equal(0, await fixture.CartsOfAsync(customerId));
        Assert.Equal(0, await fixture.Sql.CountAsync("shoppingcart.cart_lines", "cart_id = $1", afterRemoval.Id!.Value));
        Assert.Null(afterClear.Id);
        Assert.Empty(afterClear.Lines);
        Assert.Equal(0m, afterClear.Total);
        await carts.ClearAsync(customerId); // nothing to clear: still fine
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public async Task SetItem_QuantityOutOfRange_Is400AndWritesNothing(int quantity)
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var product = await fixture.NewProductAsync();

        using var response = await client.PutAsJsonAsync($"/carts/{customerId}/items/{product.Id}", new SetCartItemRequest(quantity), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("quantity", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await fixture.CartsOfAsync(customerId));
    }

    [Fact]
    public async Task SetItem_FiftyFirstProduct_Is422CartIsFull()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var carts = CartFixture.Carts(client);
        for (var i = 0; i < 50; i++)
        {
            await carts.SetItemAsync(customerId, (await fixture.NewProductAsync()).Id, new SetCartItemRequest(1));
        }

        var oneMore = await fixture.NewProductAsync();
        using var response = await client.PutAsJsonAsync($"/carts/{customerId}/items/{oneMore.Id}", new SetCartItemRequest(1), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("full", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(50, (await carts.GetCartAsync(customerId)).Lines.Count);
    }

    [Fact]
    public async Task SetItem_DiscontinuedOrUnknownProduct_Is422()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var product = await fixture.NewProductAsync();
        await fixture.Products.DiscontinueAsync(product.Id);
        // The cart decides by its cache: once ProductDiscontinued is delivered it knows. (Waiting only for "no active
        // copy" would also pass before ProductCreated arrived, which could then make the copy active.)
        await CartFixture.EventuallyAsync(
            async () => await fixture.Sql.CountAsync("shoppingcart.products", "product_id = $1 AND NOT active", product.Id) == 1,
            "ProductDiscontinued to reach the cache");

        using var discontinued = await client.PutAsJsonAsync($"/carts/{customerId}/items/{product.Id}", new SetCartItemRequest(1), CommerceJson.Options);
        using var unknown = await client.PutAsJsonAsync($"/carts/{customerId}/items/{Guid.NewGuid()}", new SetCartItemRequest(1), CommerceJson.Options);

        Assert.Equal((HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity), (discontinued.StatusCode, unknown.StatusCode));
        Assert.Equal(0, await fixture.CartsOfAsync(customerId));
    }

    [Fact]
    public async Task SetItem_ProductDiscontinuedAfterAdding_ShowsTheLineUnavailable()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var (kept, dropped) = (await fixture.NewProductAsync(10m), await fixture.NewProductAsync(7m));
        var carts = CartFixture.Carts(client);
        await carts.SetItemAsync(customerId, kept.Id, new SetCartItemRequest(1));
        await carts.SetItemAsync(customerId, dropped.Id, new SetCartItemRequest(1));

        await fixture.Products.DiscontinueAsync(dropped.Id);
        await CartFixture.EventuallyAsync(async () => !(await carts.GetCartAsync(customerId)).Lines.Single(l => l.ProductId == dropped.Id).Available,
            "ProductDiscontinued to reach the cart's cache");

        var cart = await carts.GetCartAsync(customerId);
        Assert.Equal(10m, cart.Total);
        Assert.Equal(0m, cart.Lines.Single(l => l.ProductId == dropped.Id).LineTotal);
    }

    [Fact]
    public async Task SetItem_StaleIfMatch_Is409AndChangesNothing()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var product = await fixture.NewProductAsync();
        var carts = CartFixture.Carts(client);
        await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(1));
        await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(2), ifMatch: "\"1\"");

        var stale = await Assert.ThrowsAnyAsync<ApiException>(() => carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(4), ifMatch: "\"1\""));
        var current = await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(3), ifMatch: "\"2\"");

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal((3, 3), (Assert.Single(current.Lines).Quantity, current.Version));
    }

    [Fact]
    public async Task Get_PriceChangedAfterAdding_ShowsPriceWhenAddedAndCurrentPriceWithoutPricing()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var product = await fixture.NewProductAsync(20m);
        var carts = CartFixture.Carts(client);
        await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(2));

        await fixture.Products.ChangePriceAsync(product.Id, new ChangePriceRequest(23m, "USD"));
        await CartFixture.EventuallyAsync(async () => (await carts.GetCartAsync(customerId)).Lines[0].UnitPrice == 23m,
            "ProductPriceChanged to reach the cart's cache");

        // This host runs no Pricing: the cart is priced from the cache, without discounts, and says so.
        var cart = await carts.GetCartAsync(customerId);
        var line = Assert.Single(cart.Lines);
        Assert.Equal((20m, 23m, true, 0m, 46m), (line.PriceWhenAdded, line.UnitPrice, line.PriceChanged, line.LineDiscount, line.LineTotal));
        Assert.Null(cart.PricedAt);
        Assert.Equal((46m, 0m, 46m), (cart.Subtotal, cart.Discount, cart.Total));
        Assert.Equal("Shopper Sam", cart.CustomerName);

        // Setting the quantity again takes the price seen now.
        var requantified = await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(3));
        Assert.Equal((23m, false), (requantified.Lines[0].PriceWhenAdded, requantified.Lines[0].PriceChanged));
    }

    [Fact]
    public async Task Get_NoCart_AnswersAnEmptyCart()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();

        var cart = await CartFixture.Carts(client).GetCartAsync(customerId);

        Assert.Equal((null, customerId, 0, 0m), (cart.Id, cart.CustomerId, cart.Lines.Count, cart.Total));
    }

    [Fact]
    public async Task CustomerDeleted_DropsTheCartAndTheName()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var product = await fixture.NewProductAsync();
        await CartFixture.Carts(client).SetItemAsync(customerId, product.Id, new SetCartItemRequest(1));

        (await fixture.Client.DeleteAsync($"/customers/{customerId}")).EnsureSuccessStatusCode();

        await CartFixture.EventuallyAsync(async () => await fixture.CartsOfAsync(customerId) == 0, "CustomerDeleted to drop the cart");
        Assert.Equal(0, await fixture.Sql.CountAsync("shoppingcart.customers", "customer_id = $1 AND (name <> '' OR NOT deleted)", customerId));
    }

    [Theory]
    // Too short; and no hex digits, so the response's random traceId can never hold it by chance ("ab" once did).
    [InlineData("zq")]
    [InlineData("has space")]
    [InlineData("4111111111111111-toolong-toolong-x")]
    [InlineData("semi;colon")]
    public async Task ApplyCoupon_MalformedCode_Is400WithoutEchoingIt(string code)
    {
        var (customerId, client) = await fixture.NewCustomerAsync();

        using var response = await client.PutAsJsonAsync($"/carts/{customerId}/coupon", new ApplyCouponRequest(code), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(code, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyCoupon_EmptyCart_Is422()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();

        using var response = await client.PutAsJsonAsync($"/carts/{customerId}/coupon", new ApplyCouponRequest("SAVE10"), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task ApplyCoupon_PricingUnreachable_Is503AndStoresNothing()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var product = await fixture.NewProductAsync();
        var carts = CartFixture.Carts(client);
        await carts.SetItemAsync(customerId, product.Id, new SetCartItemRequest(1));

        using var response = await client.PutAsJsonAsync($"/carts/{customerId}/coupon", new ApplyCouponRequest("SAVE10"), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Null((await carts.GetCartAsync(customerId)).CouponCode);
    }

    [Fact]
    public async Task Checkout_WithoutIdempotencyKeyOrWithALongOne_Is400()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();

        using var missing = await client.PostAsJsonAsync($"/carts/{customerId}/checkout", new CheckoutCartRequest(Guid.NewGuid()), CommerceJson.Options);
        using var tooLong = new HttpRequestMessage(HttpMethod.Post, $"/carts/{customerId}/checkout")
        {
            Content = JsonContent.Create(new CheckoutCartRequest(Guid.NewGuid()), options: CommerceJson.Options),
        };
        tooLong.Headers.Add("Idempotency-Key", new string('k', 101));
        using var tooLongResponse = await client.SendAsync(tooLong);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (missing.StatusCode, tooLongResponse.StatusCode));
        Assert.Contains("Idempotency-Key", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checkout_EmptyCart_Is409()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();

        var response = await CartFixture.Carts(client).CheckoutAsync(customerId, new CheckoutCartRequest(Guid.NewGuid()), "first-try");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(0, await fixture.Sql.CountAsync("shoppingcart.cart_conversions", "customer_id = $1", customerId));
    }

    [Fact]
    public async Task EveryRoute_AnotherCustomersCart_Is404AndWritesNothing()
    {
        var (ownerId, owner) = await fixture.NewCustomerAsync();
        var (_, stranger) = await fixture.NewCustomerAsync();
        var product = await fixture.NewProductAsync();
        var cart = await CartFixture.Carts(owner).SetItemAsync(ownerId, product.Id, new SetCartItemRequest(1));

        var requests = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Get, $"/carts/{ownerId}", null),
            (HttpMethod.Put, $"/carts/{ownerId}/items/{product.Id}", new SetCartItemRequest(5)),
            (HttpMethod.Delete, $"/carts/{ownerId}/items/{product.Id}", null),
            (HttpMethod.Put, $"/carts/{ownerId}/coupon", new ApplyCouponRequest("SAVE10")),
            (HttpMethod.Delete, $"/carts/{ownerId}/coupon", null),
            (HttpMethod.Post, $"/carts/{ownerId}/checkout", new CheckoutCartRequest(Guid.NewGuid())),
            (HttpMethod.Delete, $"/carts/{ownerId}", null),
        };
        foreach (var (method, path, body) in requests)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Add("Idempotency-Key", "stranger");
            if (body is not null)
            {
                request.Content = JsonContent.Create(body, body.GetType(), options: CommerceJson.Options);
            }

            using var response = await stranger.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {(int)response.StatusCode}");
        }

        var after = await CartFixture.Carts(owner).GetCartAsync(ownerId);
        Assert.Equal((cart.Version, 1), (after.Version, Assert.Single(after.Lines).Quantity));
    }
}
