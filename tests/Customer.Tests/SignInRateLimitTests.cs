using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Customer.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Customer.Tests;

/// <summary>Customer with a sign-in limit low enough to reach: three password grants per address and username an hour.</summary>
public sealed class ThrottledSignInFixture : CustomerFixture
{
    public const int PermitLimit = 3;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Commerce:RateLimits:SignIn:PermitLimit"] = PermitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Commerce:RateLimits:SignIn:Window"] = "01:00:00",
    };
}

/// <summary>The token endpoint's rate limit: password guesses per client address and username, answered 429 beyond it.</summary>
public sealed class SignInRateLimitTests(ThrottledSignInFixture fixture) : IClassFixture<ThrottledSignInFixture>
{
    [Fact]
    public async Task PasswordGrant_BeyondTheLimitForOneUsername_Answers429ProblemWithRetryAfter_EvenForTheRightPassword()
    {
        var email = await RegisterAsync();
        for (var attempt = 1; attempt <= ThrottledSignInFixture.PermitLimit; attempt++)
        {
            using var wrong = await PasswordGrantAsync(email, "not the password at all");
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        // The same username however it is spelled: case and spaces do not make a new allowance.
        using var throttled = await PasswordGrantAsync($" {email.ToUpperInvariant()}", TestIdentity.CustomerPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("application/problem+json", throttled.Content.Headers.ContentType?.MediaType);
        var body = await throttled.Content.ReadAsStringAsync();
        Assert.Equal(429, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain("access_token", body, StringComparison.Ordinal);
        Assert.InRange(throttled.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task PasswordGrant_AnotherUsernameFromTheSameAddress_IsNotThrottled()
    {
        var (throttledEmail, otherEmail) = (await RegisterAsync(), await RegisterAsync());
        for (var attempt = 1; attempt <= ThrottledSignInFixture.PermitLimit + 1; attempt++)
        {
            (await PasswordGrantAsync(throttledEmail, "not the password at all")).Dispose();
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await PasswordGrantAsync(throttledEmail, TestIdentity.CustomerPassword)).StatusCode);
        using var other = await PasswordGrantAsync(otherEmail, TestIdentity.CustomerPassword);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.True((await other.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("access_token", out _));
    }

    private async Task<string> RegisterAsync()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        using var response = await fixture.Client.PostAsJsonAsync("/customers",
            new RegisterCustomerRequest("Signer", email, Password: TestIdentity.CustomerPassword), CommerceJson.Options);
        response.EnsureSuccessStatusCode();
        return email;
    }

    private Task<HttpResponseMessage> PasswordGrantAsync(string email, string password) =>
        fixture.Anonymous.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = Clients.Storefront,
            ["username"] = email,
            ["password"] = password,
        }));
}
