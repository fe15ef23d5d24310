using System.Net;
using System.Text.Json;
using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.ServiceDefaults;
using Refit;

namespace Commerce.Customer.Tests;

/// <summary>GET /customers: every live customer in pages, what subscribers rebuild their caches from.</summary>
public sealed class CustomerListingTests(CustomerFixture fixture) : IClassFixture<CustomerFixture>
{
    private readonly ICustomerApi api = RestService.For<ICustomerApi>(
        fixture.Client, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    [Fact]
    public async Task List_PagedByCursor_ReturnsEveryLiveCustomerOnceWithItsVersion()
    {
        var registered = new List<CustomerResponse>();
        for (var i = 0; i < 5; i++)
        {
            registered.Add(await api.RegisterAsync(new RegisterCustomerRequest($"Listed {i}", $"{Guid.NewGuid():N}@example.com", Password: TestIdentity.CustomerPassword)));
        }

        registered[1] = await api.UpdateProfileAsync(registered[1].Id, new UpdateCustomerProfileRequest("Listed again", registered[1].Email,
            registered[1].Preferences));
        await api.DeleteAsync(registered[2].Id);

        var seen = new List<(Guid Id, string Name, int Version)>();
        string? after = null;
        do
        {
            var response = await fixture.Client.GetAsync($"/customers?limit=2{(after is null ? "" : $"&after={after}")}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var items = page.RootElement.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(items.Count, 0, 2);
            seen.AddRange(items.Select(c => (c.GetProperty("id").GetGuid(), c.GetProperty("name").GetString()!, c.GetProperty("version").GetInt32())));
            after = page.RootElement.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.RootElement.GetProperty("next").GetString();
        }
        while (after is not null);

        var live = registered.Where((_, i) => i != 2).Select(c => (c.Id, c.Name, c.Version)).OrderBy(c => c.Id).ToList();
        Assert.Equal(live, seen);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=ten")]
    [InlineData("after=not-a-guid")]
    public async Task List_BadPaging_IsABadRequest(string query)
    {
        var response = await fixture.Client.GetAsync($"/customers?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
