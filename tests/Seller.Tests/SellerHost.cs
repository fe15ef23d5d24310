global using Commerce.Host.Testing;
using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Seller.Contracts;
using Commerce.ServiceDefaults;

namespace Commerce.Seller.Tests;

/// <summary>The host serving only Seller on one test class's own database.</summary>
public class SellerFixture : ContextFixture
{
    protected override string Contexts => "Seller";

    /// <summary>A newly registered, signed-in customer of the token server (real token, customer role only).</summary>
    public async Task<(HttpClient Client, Guid CustomerId)> NewCustomerAsync()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        using var registration = new HttpClient { BaseAddress = App.TokenServer };
        using var response = await registration.PostAsJsonAsync("/customers",
            new RegisterCustomerRequest("Shopper", email, Password: TestIdentity.CustomerPassword), CommerceJson.Options);
        response.EnsureSuccessStatusCode();
        var customer = (await response.Content.ReadFromJsonAsync<CustomerResponse>(CommerceJson.Options))!;
        return (await App.CustomerClientAsync(email), customer.Id);
    }

    /// <summary>A new customer registered as a seller (through POST /sellers with the customer's own token).</summary>
    public async Task<SellerResponse> NewSellerAsync(string displayName = "Babbage & Co")
    {
        var (customer, _) = await NewCustomerAsync();
        using var response = await customer.PostAsJsonAsync("/sellers",
            new RegisterSellerRequest(displayName, "shop@babbage.example.com", "+44 20 7946-0000", "Engines, analytical and otherwise."),
            CommerceJson.Options);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SellerResponse>(CommerceJson.Options))!;
    }
}
