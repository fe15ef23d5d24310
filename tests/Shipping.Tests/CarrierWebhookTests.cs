using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Retention;
using Commerce.Shipping.Carrier;
using Commerce.Shipping.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Refit;

namespace Commerce.Shipping.Tests;

/// <summary>
/// The carrier webhook takes only calls signed with the carrier's shared secret: HMAC-SHA256 over the timestamp and
/// the raw body, within five minutes of Shipping's clock, each signature once. Anything else is a 401 that changes
/// nothing.
/// </summary>
public sealed class CarrierWebhookTests(ManualCarrierFixture fixture) : IClassFixture<ManualCarrierFixture>
{
    private const string Secret = ManualCarrierFixture.WebhookSecret;

    private readonly IShippingApi api = RestService.For<IShippingApi>(
        fixture.Client, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    public static TheoryData<string> Forgeries =>
    [
        "bad signature",
        "stripped header",
        "wrong secret",
        "timestamp 6 minutes old",
        "timestamp 6 minutes ahead",
        "body changed after signing",
        "timestamp changed after signing",
        "no timestamp",
        "no signature",
        "signature not hex",
    ];

    [Fact]
    public async Task Webhook_SignedWithTheSharedSecret_IsApplied()
    {
        var shipment = await api.CreateShipmentAsync(ShipmentTests.NewShipment());
        var body = Body(shipment, ShipmentStatus.InTransit);

        using var response = await PostAsync(body, CarrierSigning.Signature(Secret, Now(), body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var read = await api.GetShipmentAsync(shipment.Id);
        Assert.Equal((ShipmentStatus.InTransit, 2), (read.Status, read.Version));
    }

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task Webhook_NotSignedWithTheSharedSecret_Returns401AndChangesNothing(string forgery)
    {
        var shipment = await api.CreateShipmentAsync(ShipmentTests.NewShipment());
        var body = Body(shipment, ShipmentStatus.Delivered);
        var now = Now();
        var signature = CarrierSigning.Signature(Secret, now, body);
        var v1 = signature[(signature.IndexOf(",v1=", StringComparison.Ordinal) + 4)..];
        (var sent, string? header) = forgery switch
        {
            "bad signature" => (body, $"t={now},v1={Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}"),
            "stripped header" => (body, null),
            "wrong secret" => (body, CarrierSigning.Signature("another-carriers-secret-0123456789abcdef", now, body)),
            "timestamp 6 minutes old" => (body, CarrierSigning.Signature(Secret, now - 360, body)),
            "timestamp 6 minutes ahead" => (body, CarrierSigning.Signature(Secret, now + 360, body)),
            "body changed after signing" => (Body(shipment, ShipmentStatus.InTransit), signature),
            "timestamp changed after signing" => (body, $"t={now - 1},v1={v1}"),
            "no timestamp" => (body, $"v1={v1}"),
            "no signature" => (body, $"t={now}"),
            "signature not hex" => (body, $"t={now},v1=not-hex-at-all"),
            _ => throw new ArgumentOutOfRangeException(nameof(forgery)),
        };
        var before = await CountsAsync();

        using var response = await PostAsync(sent, header);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(CarrierSigning.Header, response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, await CountsAsync());
        var read = await api.GetShipmentAsync(shipment.Id);
        Assert.Equal((ShipmentStatus.LabelCreated, 1), (read.Status, read.Version));
    }

    [Fact]
    public async Task Webhook_ReplayOfAnAcceptedCall_Returns401AndChangesNothing()
    {
        var shipment = await api.CreateShipmentAsync(ShipmentTests.NewShipment());
        var body = Body(shipment, ShipmentStatus.InTransit);
        var signature = CarrierSigning.Signature(Secret, Now(), body);
        using var accepted = await PostAsync(body, signature);
        var before = await CountsAsync();

        using var replayed = await PostAsync(body, signature);
        // The same signature written otherwise (hex in capitals) is the same signature.
        using var recased = await PostAsync(body, signature[..(signature.IndexOf(",v1=", StringComparison.Ordinal) + 4)]
                                                  + signature[(signature.IndexOf(",v1=", StringComparison.Ordinal) + 4)..].ToUpperInvariant());

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (replayed.StatusCode, recased.StatusCode));
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Webhook_SameSignedCallConcurrently_OnlyOneIsAccepted()
    {
        var shipment = await api.CreateShipmentAsync(ShipmentTests.NewShipment());
        var body = Body(shipment, ShipmentStatus.InTransit);
        var signature = CarrierSigning.Signature(Secret, Now(), body);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(body, signature)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Equal(1, await fixture.Sql.CountAsync("shipping.accepted_webhook_signatures", "signature = $1", signature[(signature.IndexOf(",v1=", StringComparison.Ordinal) + 4)..]));
    }

    [Fact]
    public async Task Retention_ForgetsAcceptedSignaturesOnceTheirTimestampIsOutsideTheTolerance()
    {
        var now = DateTimeOffset.UtcNow;
        var expired = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var live = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        foreach (var (signature, signedAt) in new[] { (expired, now.AddMinutes(-6)), (live, now.AddMinutes(-4)) })
        {
            await fixture.Sql.ScalarAsync<long>(
                "WITH i AS (INSERT INTO shipping.accepted_webhook_signatures (signature, signed_at, accepted_at) VALUES ($1, $2, $2) RETURNING 1) SELECT count(*) FROM i",
                signature, signedAt);
        }

        var sweep = await fixture.App.Services.GetServices<IHostedService>().OfType<RetentionSweeper>()
            .Single(s => s.Context.Name == ShippingContext.Name).SweepOnceAsync(CancellationToken.None);

        Assert.True(sweep.Records["WebhookSignatures"] >= 1);
        Assert.Equal(0, await fixture.Sql.CountAsync("shipping.accepted_webhook_signatures", "signature = $1", expired));
        Assert.Equal(1, await fixture.Sql.CountAsync("shipping.accepted_webhook_signatures", "signature = $1", live));
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static byte[] Body(ShipmentResponse shipment, ShipmentStatus status) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new CarrierTrackingUpdate(Guid.NewGuid(), shipment.TrackingNumber, status, "Depot", DateTimeOffset.UtcNow), CommerceJson.Options);

    private async Task<HttpResponseMessage> PostAsync(byte[] body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, CarrierSigning.WebhookPath) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation(CarrierSigning.Header, signature);
        }

        return await fixture.Client.SendAsync(request);
    }

    private async Task<(long, long, long, long)> CountsAsync() => (
        await fixture.Sql.CountAsync("shipping.shipments"),
        await fixture.Sql.CountAsync("shipping.tracking_events"),
        await fixture.Sql.CountAsync("shipping.outbox_messages"),
        await fixture.Sql.CountAsync("shipping.accepted_webhook_signatures"));
}

/// <summary>Where the shared secret comes from, and what the host does without one.</summary>
public sealed class CarrierWebhookSecretTests
{
    [Theory]
    [InlineData("Production", null)]
    [InlineData("Staging", "")]
    [InlineData("Production", "too-short-to-be-a-secret")]
    [InlineData("Development", "too-short-to-be-a-secret")]
    public async Task Host_WithoutAUsableSecretOutsideDevelopmentOrAWeakOneAnywhere_RefusesToStart(string environment, string? secret)
    {
        // Built as Program builds it, but on this thread: through WebApplicationFactory the entry point runs on its own
        // thread and disposes the refused host, which can race the factory's wait for it (an ObjectDisposedException then
        // surfaces instead of the refusal).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Admin"] = "Host=127.0.0.1;Port=1;Username=postgres",
            // An authority of its own spares the host a token server; nothing is asked of it before the refusal.
            ["Authentication:Authority"] = "http://127.0.0.1:1/",
            ["Urls"] = "http://127.0.0.1:0",
            // What else a host outside Development needs: a role password of its own.
            ["Commerce:RolePasswords:Shipping"] = Guid.NewGuid().ToString("N"),
            [CarrierWebhookSecret.ConfigurationKey] = secret,
        });
        builder.AddServiceDefaults();
        builder.AddShippingContext();
        await using var app = builder.Build();

        // No database is reached: the check runs before any of the host's services starts.
        var refusal = await Record.ExceptionAsync(() => app.StartAsync());

        Assert.NotNull(refusal);
        Assert.Contains(CarrierWebhookSecret.ConfigurationKey, refusal.ToString(), StringComparison.Ordinal);
    }
}
