using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Seller.Contracts;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Customer.Tests;

/// <summary>
/// Customer learns from Seller's events which account manages which seller, and the token server says so in that
/// account's access tokens (role seller and claim seller_id) on the password and refresh grants.
/// </summary>
public sealed class SellerTokenTests(CustomerFixture fixture) : IClassFixture<CustomerFixture>
{
    [Fact]
    public async Task PasswordGrant_AfterSellerRegistered_CarriesRoleSellerAndTheSellersId()
    {
        var seller = await fixture.App.SellerFromEventAsync("Kettle Corner");

        var claims = SellerAccounts.ClaimsOf(await TestIdentity.CustomerTokenAsync(fixture.App.TokenServer, seller.Email));

        Assert.Equal(seller.AccountId.ToString(), claims.GetProperty("sub").GetString());
        Assert.Equal([Roles.Customer, Roles.Seller], claims.GetProperty("role").EnumerateArray().Select(r => r.GetString()).Order());
        Assert.Equal(seller.SellerId.ToString(), claims.GetProperty("seller_id").GetString());
    }

    [Fact]
    public async Task PasswordGrant_AccountManagingNoSeller_IsAPlainCustomer()
    {
        var seller = await fixture.App.SellerFromEventAsync();
        var email = $"{Guid.NewGuid():N}@example.com";
        (await fixture.Client.PostAsJsonAsync("/customers", new { name = "Shopper", email, password = TestIdentity.CustomerPassword }))
            .EnsureSuccessStatusCode();

        var claims = SellerAccounts.ClaimsOf(await TestIdentity.CustomerTokenAsync(fixture.App.TokenServer, email));

        Assert.Equal(Roles.Customer, claims.GetProperty("role").GetString());
        Assert.False(claims.TryGetProperty("seller_id", out _), $"a customer's token named seller {seller.SellerId}");
    }

    [Fact]
    public async Task RefreshGrant_AccountBecameASellerAfterSigningIn_GetsTheSellerInItsNewToken()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        using var registered = await fixture.Client.PostAsJsonAsync("/customers", new { name = "Later seller", email, password = TestIdentity.CustomerPassword });
        var accountId = (await registered.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var signIn = await TokenAsync(new()
        {
            ["grant_type"] = "password",
            ["client_id"] = Clients.Storefront,
            ["username"] = email,
            ["password"] = TestIdentity.CustomerPassword,
            ["scope"] = "offline_access",
        });
        var first = await signIn.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(SellerAccounts.ClaimsOf(first.GetProperty("access_token").GetString()!).TryGetProperty("seller_id", out _));

        var sellerId = Guid.NewGuid();
        await fixture.App.DeliverSellerEventAsync(1,
            new SellerRegistered(sellerId, new SellerState(accountId, "Later seller", email, SellerStatus.Active)), "customer");
        using var refreshed = await TokenAsync(new()
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = Clients.Storefront,
            ["refresh_token"] = first.GetProperty("refresh_token").GetString()!,
        });

        var claims = SellerAccounts.ClaimsOf(
            (await refreshed.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!);
        Assert.Equal(sellerId.ToString(), claims.GetProperty("seller_id").GetString());
        Assert.Contains(Roles.Seller, claims.GetProperty("role").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task SellerEvents_InEveryOrderWithDuplicates_KeepTheRegisteredAccount()
    {
        // The account is the only field Customer caches, fixed at registration: Seller's later events are not
        // subscribed to (here they even name another account, which Seller never does) and change nothing. A token
        // names the seller whatever its status: Product, not the token, decides what a suspended seller may do.
        var sellerId = Guid.NewGuid();
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        SellerState State(Guid account, SellerStatus status = SellerStatus.Active) => new(account, "Moving seller", "moving@example.com", status);
        var events = new List<Commerce.ServiceDefaults.Messaging.EventEnvelope>
        {
            TestSupport.Envelope("Seller", sellerId.ToString(), 1, new SellerRegistered(sellerId, State(first))),
            TestSupport.Envelope("Seller", sellerId.ToString(), 2, new SellerProfileUpdated(sellerId, State(second))),
            TestSupport.Envelope("Seller", sellerId.ToString(), 3, new SellerSuspended(sellerId, "Checks", State(second, SellerStatus.Suspended))),
        };

        var converged = await Convergence.AssertEveryOrderConvergesAsync(fixture.Client, "customer", events, sellerId.ToString(),
            () => Guid.NewGuid().ToString(),
            async copy => string.Join(" ", (await fixture.Sql.RowsAsync(
                "SELECT account_id, source_version FROM customer.seller_accounts WHERE seller_id = $1", Guid.Parse(copy))).SingleOrDefault() ?? []));

        Assert.Equal($"{first} 1", converged);
    }

    private Task<HttpResponseMessage> TokenAsync(Dictionary<string, string> form) =>
        fixture.Client.PostAsync("/connect/token", new FormUrlEncodedContent(form));
}
