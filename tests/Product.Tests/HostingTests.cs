using System.Net;
using Commerce.ServiceDefaults.Database;

namespace Commerce.Product.Tests;

public sealed class HostingTests(ProductFixture fixture) : IClassFixture<ProductFixture>
{
    [Fact]
    public async Task OpenApiDocumentAndReadiness_AreServed()
    {
        var document = await fixture.Client.GetStringAsync("/openapi/product.json");
        var ready = await fixture.Client.GetAsync("/health/ready");
        var live = await fixture.Client.GetAsync("/health/live");

        Assert.Contains("\"/products/{id}\"", document, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (ready.StatusCode, live.StatusCode));
    }

    [Fact]
    public async Task SeedDemo_RunTwice_LoadsTheDemoDataOnce()
    {
        await CommerceDatabase.SeedDemoAsync(fixture.App.Services);
        var once = (await fixture.Sql.CountAsync("product.products"), await fixture.Sql.CountAsync("product.outbox_messages"));
        await CommerceDatabase.SeedDemoAsync(fixture.App.Services);

        Assert.Equal((6, 6), once);
        Assert.Equal(once, (await fixture.Sql.CountAsync("product.products"), await fixture.Sql.CountAsync("product.outbox_messages")));
    }
}
