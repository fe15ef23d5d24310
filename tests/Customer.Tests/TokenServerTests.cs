using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Customer.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Customer.Tests;

/// <summary>The token server embedded in Customer, over HTTP as clients use it.</summary>
public sealed class TokenServerTests(CustomerFixture fixture) : IClassFixture<CustomerFixture>
{
    [Fact]
    public async Task Discovery_PublishesTokenEndpointAndSigningKeys()
    {
        var discovery = await fixture.Client.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");
        Assert.EndsWith("/connect/token", discovery.GetProperty("token_endpoint").GetString());
        var keys = await fixture.Client.GetFromJsonAsync<JsonElement>(new Uri(discovery.GetProperty("jwks_uri").GetString()!));
        var key = Assert.Single(keys.GetProperty("keys").EnumerateArray(), k => k.GetProperty("use").GetString() == "sig");
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.False(key.TryGetProperty("d", out _), "the private exponent must never be published");
    }

    [Fact]
    public async Task PasswordGrant_RegisteredCustomer_GetsSignedTokenNamingThem()
    {
        var (customer, email) = await RegisterAsync();

        var token = new JwtSecurityTokenHandler().ReadJwtToken(await TestIdentity.CustomerTokenAsync(fixture.App.Address, email));

        Assert.Equal("RS256", token.Header.Alg);
        Assert.Equal(customer.Id.ToString(), token.Subject);
        Assert.Equal(Roles.Customer, token.Claims.Single(c => c.Type == "role").Value);
        Assert.Equal(Clients.Storefront, token.Claims.Single(c => c.Type == "client_id").Value);
        Assert.Equal([AuthenticationSettings.DefaultAudience], token.Audiences);
        Assert.Equal(fixture.App.Address.ToString(), token.Issuer);
        Assert.InRange(token.ValidTo - DateTime.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15.5));
    }

    [Fact]
    public async Task PasswordGrant_WrongPasswordFiveTimes_LocksTheAccountEvenForTheRightOne()
    {
        var (_, email) = await RegisterAsync();

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var refused = await PasswordGrantAsync(email, "not the password at all");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("invalid_grant", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        }

        var locked = await PasswordGrantAsync(email, TestIdentity.CustomerPassword);
        Assert.Equal(HttpStatusCode.BadRequest, locked.StatusCode);
        Assert.Contains("locked", (await locked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task PasswordGrant_UnknownEmailOrSuspendedCustomer_IsRefused()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await PasswordGrantAsync($"{Guid.NewGuid():N}@example.com", TestIdentity.CustomerPassword)).StatusCode);

        var (customer, email) = await RegisterAsync();
        var operatorClient = await fixture.App.ClientAsAsync(Clients.Operator);
        (await operatorClient.PostAsJsonAsync($"/customers/{customer.Id}/suspend", new SuspendCustomerRequest("fraud"), CommerceJson.Options))
            .EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.BadRequest, (await PasswordGrantAsync(email, TestIdentity.CustomerPassword)).StatusCode);
    }

    [Fact]
    public async Task ClientCredentials_OperatorAndService_CarryTheirRoleAndClient()
    {
        var handler = new JwtSecurityTokenHandler();

        var operatorToken = handler.ReadJwtToken(await TestIdentity.ClientTokenAsync(fixture.App.Address, Clients.Operator));
        var workerToken = handler.ReadJwtToken(await TestIdentity.ClientTokenAsync(fixture.App.Address, Clients.SagaWorker));

        Assert.Equal((Clients.Operator, Roles.Operator), (operatorToken.Subject, operatorToken.Claims.Single(c => c.Type == "role").Value));
        Assert.Equal((Clients.SagaWorker, Roles.Service), (workerToken.Subject, workerToken.Claims.Single(c => c.Type == "role").Value));
        Assert.Equal(Clients.SagaWorker, workerToken.Claims.Single(c => c.Type == "client_id").Value);
    }

    [Fact]
    public async Task ClientCredentials_WrongSecretOrUnknownClient_AreRefused()
    {
        foreach (var (clientId, secret) in new[] { (Clients.Operator, "guessed"), ("nobody", "anything") })
        {
            using var response = await fixture.Client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = clientId,
                ["client_secret"] = secret,
            }));

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.DoesNotContain("access_token", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task RefreshToken_ForAnActiveCustomer_GivesANewAccessToken()
    {
        var (customer, email) = await RegisterAsync();
        using var signIn = await PasswordGrantAsync(email, TestIdentity.CustomerPassword, scope: "offline_access");
        var refreshToken = (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refresh_token").GetString()!;

        using var refreshed = await fixture.Client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = Clients.Storefront,
            ["refresh_token"] = refreshToken,
        }));

        refreshed.EnsureSuccessStatusCode();
        var accessToken = (await refreshed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        Assert.Equal(customer.Id.ToString(), new JwtSecurityTokenHandler().ReadJwtToken(accessToken).Subject);
    }

    [Fact]
    public async Task Register_AnonymouslyWithoutPasswordOrWithAShortOne_IsRefusedAndNothingIsWritten()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        foreach (var password in new[] { null, "short" })
        {
            using var response = await fixture.Anonymous.PostAsJsonAsync("/customers",
                new RegisterCustomerRequest("No Password", email, Password: password), CommerceJson.Options);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("password", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(0L, await fixture.Sql.ScalarAsync<long>("SELECT count(*) FROM customer.customers WHERE normalized_email = $1", email));
    }

    private async Task<(CustomerResponse Customer, string Email)> RegisterAsync()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        using var response = await fixture.Client.PostAsJsonAsync("/customers",
            new RegisterCustomerRequest("Signer", email, Password: TestIdentity.CustomerPassword), CommerceJson.Options);
        response.EnsureSuccessStatusCode();
        return ((await response.Content.ReadFromJsonAsync<CustomerResponse>(CommerceJson.Options))!, email);
    }

    private Task<HttpResponseMessage> PasswordGrantAsync(string email, string password, string? scope = null)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = Clients.Storefront,
            ["username"] = email,
            ["password"] = password,
        };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        return fixture.Client.PostAsync("/connect/token", new FormUrlEncodedContent(form));
    }
}
