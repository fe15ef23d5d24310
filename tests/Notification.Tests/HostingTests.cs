using System.Net;

namespace Commerce.Notification.Tests;

public sealed class HostingTests(NotificationFixture fixture) : IClassFixture<NotificationFixture>
{
    [Fact]
    public async Task OpenApiDocumentAndReadiness_AreServed()
    {
        var document = await fixture.Client.GetStringAsync("/openapi/notification.json");
        var ready = await fixture.Client.GetAsync("/health/ready");
        var live = await fixture.Client.GetAsync("/health/live");

        Assert.Contains("\"/notifications/templates/{key}\"", document, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (ready.StatusCode, live.StatusCode));
    }
}
