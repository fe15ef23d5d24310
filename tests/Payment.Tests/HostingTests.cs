using System.Net;

namespace Commerce.Payment.Tests;

public sealed class HostingTests(PaymentFixture fixture) : IClassFixture<PaymentFixture>
{
    [Fact]
    public async Task OpenApiDocumentAndReadiness_AreServed()
    {
        var document = await fixture.Client.GetStringAsync("/openapi/payment.json");
        var ready = await fixture.Client.GetAsync("/health/ready");
        var live = await fixture.Client.GetAsync("/health/live");

        Assert.Contains("\"/payments/authorizations\"", document, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (ready.StatusCode, live.StatusCode));
    }
}
