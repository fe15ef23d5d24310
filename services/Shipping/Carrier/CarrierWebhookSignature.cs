using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Commerce.Shipping.Carrier;

/// <summary>A webhook signature that verified: lowercase hex (how it is remembered against replays) and when it was made.</summary>
public sealed record VerifiedSignature(string Signature, DateTimeOffset SignedAt);

/// <summary>
/// How a carrier signs its webhook calls, the way payment gateways (Stripe) and carriers sign theirs:
/// <c>Carrier-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>, where v1 is HMAC-SHA256 under the secret Shipping shares
/// with the carrier over <c>"{t}.{raw body}"</c>. The timestamp inside the MAC bounds how long a captured call stays
/// usable (<see cref="Tolerance"/>); Shipping remembers accepted signatures for that long, so none is used twice.
/// </summary>
public static class CarrierWebhookSignature
{
    public const string Header = "Carrier-Signature";

    /// <summary>How far a signature's timestamp may be from Shipping's clock, either way.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private const int SignatureBytes = 32;

    /// <summary>The header value for <paramref name="body"/> signed at <paramref name="at"/>.</summary>
    public static string Sign(ReadOnlySpan<byte> secret, DateTimeOffset at, ReadOnlySpan<byte> body)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={timestamp},v1={Convert.ToHexStringLower(Mac(secret, timestamp, body))}";
    }

    /// <summary>
    /// The signature in <paramref name="header"/> when it is one of <paramref name="body"/> under
    /// <paramref name="secret"/> made within the tolerance of <paramref name="now"/>; otherwise null and why. Keys other
    /// than t and v1 are ignored, and several v1 are allowed (a carrier rolling its secret signs with both).
    /// </summary>
    public static VerifiedSignature? Verify(
        string? header, ReadOnlySpan<byte> body, ReadOnlySpan<byte> secret, DateTimeOffset now, out string refusal)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            refusal = $"The {Header} header is missing.";
            return null;
        }

        string? timestamp = null;
        var candidates = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            switch (equals < 0 ? part : part[..equals])
            {
                case "t" when timestamp is null:
                    timestamp = part[(equals + 1)..];
                    break;
                case "t":
                    refusal = $"The {Header} header has more than one timestamp.";
                    return null;
                case "v1":
                    candidates.Add(part[(equals + 1)..]);
                    break;
            }
        }

        if (timestamp is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            refusal = $"The {Header} header has no timestamp (t=<unix seconds>).";
            return null;
        }

        if (candidates.Count == 0)
        {
            refusal = $"The {Header} header has no signature (v1=<hex>).";
            return null;
        }

        // Compared as seconds: a far-off timestamp must not overflow on its way to a DateTimeOffset.
        var tolerance = (long)Tolerance.TotalSeconds;
        var current = now.ToUnixTimeSeconds();
        if (seconds < current - tolerance || seconds > current + tolerance)
        {
            refusal = $"The signature's timestamp is more than {Tolerance.TotalMinutes:0} minutes from Shipping's clock.";
            return null;
        }

        var expected = Mac(secret, timestamp, body);
        Span<byte> provided = stackalloc byte[SignatureBytes];
        foreach (var candidate in candidates)
        {
            if (candidate.Length == SignatureBytes * 2
                && Convert.FromHexString(candidate, provided, out _, out var written) == OperationStatus.Done
                && written == SignatureBytes
                && CryptographicOperations.FixedTimeEquals(expected, provided))
            {
                refusal = "";
                return new VerifiedSignature(Convert.ToHexStringLower(expected), DateTimeOffset.FromUnixTimeSeconds(seconds));
            }
        }

        refusal = "The signature does not match the body and timestamp under the carrier's secret.";
        return null;
    }

    private static byte[] Mac(ReadOnlySpan<byte> secret, string timestamp, ReadOnlySpan<byte> body)
    {
        // "{t}." then the body exactly as sent: the MAC covers bytes, never a re-serialised copy.
        var signed = new byte[timestamp.Length + 1 + body.Length];
        var prefix = Encoding.ASCII.GetBytes(timestamp, signed);
        signed[prefix] = (byte)'.';
        body.CopyTo(signed.AsSpan(prefix + 1));
        return HMACSHA256.HashData(secret, signed);
    }
}
