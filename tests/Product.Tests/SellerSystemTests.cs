using System.Net;
using System.Net.Http.Json;
using Commerce.Product.Contracts;
using Commerce.Seller.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;

namespace Commerce.Product.Tests;

/// <summary>
/// With Seller itself: a customer registers as a seller through POST /sellers, Seller's events reach Customer (the
/// token then names the seller) and Product (which then takes the seller's products), and an operator's suspension
/// through Seller's API freezes the seller's products in Product.
/// </summary>
public sealed class SellerSystemTests(SellerSystemFixture fixture) : IClassFixture<SellerSystemFixture>
{
    [Fact]
    public async Task SellerRegisteredThroughSeller_ListsItsProductWithItsOwnToken()
    {
        var seller = await fixture.App.SellerClientAsync("Difference Engines");

        using var response = await seller.Client.PostAsJsonAsync("/products", NewProduct(), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var product = (await response.Content.ReadFromJsonAsync<ProductResponse>(CommerceJson.Options))!;
        Assert.Equal(new ProductSeller(seller.SellerId, "Difference Engines", true), product.Seller);
        var claims = SellerAccounts.ClaimsOf(await TestIdentity.CustomerTokenAsync(fixture.App.TokenServer, seller.Email));
        Assert.Equal(seller.SellerId.ToString(), claims.GetProperty("seller_id").GetString());
    }

    [Fact]
    public async Task SuspendedThroughSeller_ProductRefusesTheSeller403_ReinstatedItMayAgain()
    {
        var seller = await fixture.App.SellerClientAsync();
        var product = (await (await seller.Client.PostAsJsonAsync("/products", NewProduct(), CommerceJson.Options))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<ProductResponse>(CommerceJson.Options))!;

        (await fixture.Client.PostAsJsonAsync($"/sellers/{seller.SellerId}/suspend", new SuspendSellerRequest("Counterfeits"), CommerceJson.Options))
            .EnsureSuccessStatusCode();
        await QuietAsync();
        using var refused = await seller.Client.PutAsJsonAsync($"/products/{product.Id}/price", new ChangePriceRequest(9m, "USD"), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(1, (await fixture.Client.GetFromJsonAsync<ProductResponse>($"/products/{product.Id}", CommerceJson.Options))!.Version);

        (await fixture.Client.PostAsync($"/sellers/{seller.SellerId}/reinstate", null)).EnsureSuccessStatusCode();
        await QuietAsync();
        using var allowed = await seller.Client.PutAsJsonAsync($"/products/{product.Id}/price", new ChangePriceRequest(9m, "USD"), CommerceJson.Options);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task RebuildCaches_SellerCopyLost_IsRestoredFromSellersListing()
    {
        var seller = await fixture.App.SellerClientAsync("Rebuilt seller");
        await fixture.Sql.ScalarAsync<long>("WITH gone AS (DELETE FROM product.sellers WHERE seller_id = $1 RETURNING 1) SELECT count(*) FROM gone", seller.SellerId);

        using var response = await fixture.Client.PostAsync("/ops/product/caches/rebuild", null);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var rebuilt = System.Text.Json.JsonSerializer.Deserialize<CacheRebuildResponse>(body, CommerceJson.Options)!;
        Assert.Contains(rebuilt.Caches, c => c.Cache == "sellers" && c.Refreshed >= 1);
        var row = Assert.Single(await fixture.Sql.RowsAsync(
            "SELECT display_name, status, source_version FROM product.sellers WHERE seller_id = $1", seller.SellerId));
        Assert.Equal(new object?[] { "Rebuilt seller", "Active", 1 }, row);
    }

    /// <summary>Until every event written so far reached its subscribers (the suspension reached Product).</summary>
    private async Task QuietAsync()
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (await fixture.Sql.UndeliveredEventsAsync() > 0)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "events still undelivered after 30 s");
            await Task.Delay(50);
        }
    }

    private static CreateProductRequest NewProduct() =>
        new($"SYS-{Guid.NewGuid():N}"[..28].ToUpperInvariant(), "Engine part", "Parts", 12m, "USD");
}
