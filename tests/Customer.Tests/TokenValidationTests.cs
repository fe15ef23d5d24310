using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Commerce.Customer.Contracts;
using Commerce.ServiceDefaults;
using Microsoft.IdentityModel.Tokens;

namespace Commerce.Customer.Tests;

/// <summary>
/// What a resource server refuses: every token below is a real one from the token server, taken apart and put back
/// together with one thing changed. Re-signed unchanged with the server's own key it is accepted (so the re-signing
/// is sound); each change alone makes it a 401 problem that says the token is invalid.
/// </summary>
public sealed class TokenValidationTests(CustomerFixture fixture) : IClassFixture<CustomerFixture>
{
    private static readonly string SigningKeyFile = TestIdentity.Settings["Customer:TokenServer:SigningKeyFile"]!;

    [Fact]
    public async Task RealToken_ReSignedWithTheServersKey_IsAccepted()
    {
        var (customer, token) = await SignedInCustomerAsync();

        using var response = await GetProfileAsync(customer, Resign(token, _ => { }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static TheoryData<string> Tamperings() =>
    [
        "expired",
        "another issuer",
        "another audience",
        "signed with another key",
        "alg none, no signature",
        "signature stripped",
        "claims changed after signing",
        "not yet valid",
    ];

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task TamperedToken_Is401InvalidToken(string tampering)
    {
        var (customer, token) = await SignedInCustomerAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var (header, payload, signature) = Split(token);
        var tampered = tampering switch
        {
            // No clock skew is allowed: a minute past expiry is expired.
            "expired" => Resign(token, claims => (claims["iat"], claims["nbf"], claims["exp"]) = (now - 1000, now - 1000, now - 60)),
            "another issuer" => Resign(token, claims => claims["iss"] = "https://login.example.com/"),
            "another audience" => Resign(token, claims => claims["aud"] = "another-api"),
            "signed with another key" => Resign(token, _ => { }, RSA.Create(2048)),
            "alg none, no signature" => $"{Encode(Json(header).Also(h => h["alg"] = "none"))}.{payload}.",
            "signature stripped" => $"{header}.{payload}.",
            // Someone else's id in a token whose signature was made over the original claims.
            "claims changed after signing" => $"{header}.{Encode(Json(payload).Also(c => c["sub"] = Guid.NewGuid().ToString()))}.{signature}",
            "not yet valid" => Resign(token, claims => (claims["nbf"], claims["exp"]) = (now + 600, now + 1200)),
            _ => throw new ArgumentOutOfRangeException(nameof(tampering)),
        };

        using var response = await GetProfileAsync(customer, tampered);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer" && h.Parameter?.Contains("invalid_token", StringComparison.Ordinal) == true);
    }

    private async Task<(CustomerResponse Customer, string Token)> SignedInCustomerAsync()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        using var registered = await fixture.Anonymous.PostAsJsonAsync("/customers",
            new RegisterCustomerRequest("Tamper", email, Password: TestIdentity.CustomerPassword), CommerceJson.Options);
        registered.EnsureSuccessStatusCode();
        var customer = (await registered.Content.ReadFromJsonAsync<CustomerResponse>(CommerceJson.Options))!;
        return (customer, await TestIdentity.CustomerTokenAsync(fixture.App.Address, email));
    }

    private Task<HttpResponseMessage> GetProfileAsync(CustomerResponse customer, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/customers/{customer.Id}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return fixture.Anonymous.SendAsync(request);
    }

    /// <summary>The token with its claims changed by <paramref name="change"/>, signed RS256 with <paramref name="key"/> (default: the server's).</summary>
    private static string Resign(string token, Action<JsonObject> change, RSA? key = null)
    {
        var (header, payload, _) = Split(token);
        var claims = Json(payload);
        change(claims);
        var signed = $"{header}.{Encode(claims)}";
        using var rsa = key ?? ServerKey();
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signed}.{Base64UrlEncoder.Encode(signature)}";
    }

    private static RSA ServerKey()
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(SigningKeyFile));
        return rsa;
    }

    private static (string Header, string Payload, string Signature) Split(string token) =>
        token.Split('.') is [var header, var payload, var signature] ? (header, payload, signature) : throw new FormatException("not a JWS");

    private static JsonObject Json(string part) => JsonNode.Parse(Base64UrlEncoder.Decode(part))!.AsObject();

    private static string Encode(JsonObject json) => Base64UrlEncoder.Encode(json.ToJsonString());
}

internal static class JsonObjectChanges
{
    /// <summary>Applies <paramref name="change"/> and returns the same object, for changes written inline.</summary>
    public static JsonObject Also(this JsonObject json, Action<JsonObject> change)
    {
        change(json);
        return json;
    }
}
