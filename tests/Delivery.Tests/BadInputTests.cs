using System.Net;
using System.Text;

namespace Commerce.Delivery.Tests;

/// <summary>Malformed and hostile requests to Delivery's routes: each a 4xx problem details, and nothing written.</summary>
public sealed class BadInputTests(DeliveryHost host) : IClassFixture<DeliveryHost>
{
    public static TheoryData<string, string, string?, int> Cases => new()
    {
        { "POST", "/delivery/routes/plan", """{"day":"2030-13-01"}""", 400 },
        { "POST", "/delivery/routes/plan", """{"day":"yesterday"}""", 400 },
        { "POST", "/delivery/routes/plan", """{"day":"2030-02-01'; DROP TABLE delivery.routes;--"}""", 400 },
        { "POST", "/delivery/routes/plan", """{"day":"0001-01-01"}""", 400 },
        { "POST", "/delivery/routes/plan", """{"day":"2030-02-01","region":"US-94"}""", 400 },
        { "POST", "/delivery/routes/plan", """{}""", 400 },
        { "POST", "/delivery/routes/plan", """{"day":20300201}""", 400 },
        { "GET", "/delivery/routes", null, 400 },
        { "GET", "/delivery/routes?day=01/02/2030", null, 400 },
        { "GET", "/delivery/routes?day=2030-02-30", null, 400 },
        { "GET", "/delivery/routes?day=9999-12-31", null, 400 },
        { "GET", "/delivery/routes?day=2030-02-01&region=US-94'%20OR%20'1'='1", null, 400 },
        { "GET", "/delivery/routes?day=2030-02-01&region=%3Cscript%3Ealert(1)%3C%2Fscript%3E", null, 400 },
        { "GET", "/delivery/routes?day=2030-02-01&region=us-94", null, 400 },
        { "GET", "/delivery/routes?day=2030-02-01&region=US-94%00", null, 400 },
        { "GET", $"/delivery/routes/{Guid.Empty}", null, 404 },
        { "GET", "/delivery/routes/not-a-route", null, 404 },
        { "GET", $"/delivery/shipments/{Guid.Empty}", null, 404 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Request_BadInput_IsAProblemAndWritesNothing(string method, string path, string? body, int status)
    {
        await host.ShipmentCreatedAsync("94110", DeliveryHost.At(new DateOnly(2030, 2, 1)));
        var before = await CountsAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await host.Client.SendAsync(request);

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await CountsAsync());
    }

    private async Task<(long Routes, long Routed, long Events)> CountsAsync() =>
        (await host.Sql.CountAsync("delivery.routes"), await host.Sql.CountAsync("delivery.shipments", "route_id IS NOT NULL"),
            await host.Sql.CountAsync("delivery.outbox_messages"));
}
