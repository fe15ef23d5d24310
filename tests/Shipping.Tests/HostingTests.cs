using System.Net;

namespace Commerce.Shipping.Tests;

public sealed class HostingTests(ShippingFixture fixture) : IClassFixture<ShippingFixture>
{
    [Fact]
    public async Task OpenApiDocumentAndReadiness_AreServed()
    {
        var document = await fixture.Client.GetStringAsync("/openapi/shipping.json");
        var ready = await fixture.Client.GetAsync("/health/ready");
        var live = await fixture.Client.GetAsync("/health/live");

        Assert.Contains("\"/shipments/carrier/webhook\"", document, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (ready.StatusCode, live.StatusCode));
    }
}
