using Commerce.Seller.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Database;
using Commerce.ServiceDefaults.Demo;
using System.Net.Http.Json;

namespace Commerce.Seller.Tests;

/// <summary>seed-demo registers the demo sellers as a customer registers one, once however often it runs.</summary>
public sealed class DemoSeedTests(SellerFixture fixture) : IClassFixture<SellerFixture>
{
    [Fact]
    public async Task SeedDemo_Twice_RegistersEachDemoSellerOnceForItsDemoAccount()
    {
        await CommerceDatabase.SeedDemoAsync(fixture.App.Services);
        await CommerceDatabase.SeedDemoAsync(fixture.App.Services);

        foreach (var demo in DemoCatalog.Sellers)
        {
            var seller = await fixture.Client.GetFromJsonAsync<SellerResponse>($"/sellers/{demo.Id}", CommerceJson.Options);
            Assert.Equal((demo.AccountId, demo.DisplayName, SellerStatus.Active), (seller!.AccountId, seller.DisplayName, seller.Status));
            Assert.Equal(new[] { (nameof(SellerRegistered), 1) }, (await fixture.Sql.EventsAsync("seller", demo.Id)).Select(e => (e.Type, e.Version)));
        }

        Assert.Equal(DemoCatalog.Customers.Take(2).Select(c => c.Id), DemoCatalog.Sellers.Select(s => s.AccountId));
    }
}
