using System.Security.Cryptography;
using System.Text;

namespace Commerce.Host.Testing;

/// <summary>
/// The carrier's side of the webhook signature, written from the documented scheme rather than taken from Shipping's
/// code, so the tests hold Shipping to the format carriers are told about: <c>Carrier-Signature: t=&lt;unix
/// seconds&gt;,v1=&lt;hex HMAC-SHA256 of "{t}.{raw body}" under the shared secret&gt;</c>.
/// </summary>
public static class CarrierSigning
{
    public const string Header = "Carrier-Signature";

    public const string WebhookPath = "/shipments/carrier/webhook";

    public static string Signature(string secret, long timestamp, byte[] body)
    {
        byte[] signed = [.. Encoding.UTF8.GetBytes($"{timestamp}."), .. body];
        return $"t={timestamp},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed))}";
    }
}

/// <summary>
/// Signs every webhook call as a carrier does, so tests about tracking can use the Refit client. Each call is its own
/// delivery attempt, signed anew: timestamps only go forward, so two calls with the same body are never one
/// signature (which Shipping would refuse as a replay).
/// </summary>
public sealed class CarrierSigningHandler(string secret) : DelegatingHandler
{
    private long last;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri?.AbsolutePath == CarrierSigning.WebhookPath && request.Content is { } content)
        {
            var body = await content.ReadAsByteArrayAsync(cancellationToken);
            var signed = new ByteArrayContent(body);
            signed.Headers.ContentType = content.Headers.ContentType;
            request.Content = signed;
            request.Headers.Add(CarrierSigning.Header, CarrierSigning.Signature(secret, NextTimestamp(), body));
        }

        return await base.SendAsync(request, cancellationToken);
    }

    private long NextTimestamp()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        while (true)
        {
            var previous = Interlocked.Read(ref last);
            var next = Math.Max(now, previous + 1);
            if (Interlocked.CompareExchange(ref last, next, previous) == previous)
            {
                return next;
            }
        }
    }
}
