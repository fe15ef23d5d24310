using System.Net;
using Commerce.ServiceDefaults.Database;

namespace Commerce.Customer.Tests;

public sealed class HostingTests(CustomerFixture fixture) : IClassFixture<CustomerFixture>
{
    [Fact]
    public async Task OpenApiDocumentAndReadiness_AreServed()
    {
        var document = await fixture.Client.GetStringAsync("/openapi/customer.json");
        var ready = await fixture.Client.GetAsync("/health/ready");
        var live = await fixture.Client.GetAsync("/health/live");

        Assert.Contains("\"/customers/{id}\"", document, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (ready.StatusCode, live.StatusCode));
    }

    [Fact]
    public async Task SeedDemo_RunTwice_LoadsTheDemoDataOnce()
    {
        await CommerceDatabase.SeedDemoAsync(fixture.App.Services);
        var once = (await fixture.Sql.CountAsync("customer.customers"), await fixture.Sql.CountAsync("customer.outbox_messages"));
        await CommerceDatabase.SeedDemoAsync(fixture.App.Services);

        Assert.Equal((3, 3), once);
        Assert.Equal(once, (await fixture.Sql.CountAsync("customer.customers"), await fixture.Sql.CountAsync("customer.outbox_messages")));
    }
}
