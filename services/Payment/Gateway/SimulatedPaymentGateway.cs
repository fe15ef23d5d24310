using System.Security.Cryptography;
using Commerce.Payment.Contracts;
using Commerce.ServiceDefaults.Simulation;

namespace Commerce.Payment.Gateway;

/// <summary>
/// A stand-in processor. The behaviour of a card is fixed when it is tokenized — <see cref="TestCards"/> numbers
/// decline, lack funds, error, time out or report an outage on every authorization — and is carried in the token
/// itself, so it survives restarts. <see cref="OutageEnabled"/> is the operator's switch for a gateway-wide outage.
/// </summary>
public sealed class SimulatedPaymentGateway : IPaymentGateway
{
    private const string Prefix = "tok_";

    private static readonly Dictionary<string, string> Modes = new()
    {
        [TestCards.Declined] = "decline",
        [TestCards.InsufficientFunds] = "nsf",
        [TestCards.TransientError] = "error",
        [TestCards.Timeout] = "timeout",
        [TestCards.Outage] = "outage",
    };

    /// <summary>Idempotency keys the gateway remembers; the oldest are forgotten first, as a real gateway's expire.</summary>
    public const int RememberedKeys = 100_000;

    // The gateway's own idempotency: a repeated key returns the first answer.
    private readonly RecentMemory<string, GatewayResult> answers = new(RememberedKeys);

    private volatile bool outage;

    public bool OutageEnabled
    {
        get => outage;
        set => outage = value;
    }

    public Task<CardToken> TokenizeAsync(CardDetails card, CancellationToken cancellationToken)
    {
        ThrowIfOutage();
        var mode = Modes.GetValueOrDefault(card.Number, "ok");
        var token = $"{Prefix}{mode}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";
        return Task.FromResult(new CardToken(token, CardBrands.Of(card.Number), card.Number[^4..]));
    }

    public Task<GatewayResult> AuthorizeAsync(
        string token, decimal amount, string currency, string idempotencyKey, CancellationToken cancellationToken)
    {
        ThrowIfOutage();
        var mode = token.StartsWith(Prefix, StringComparison.Ordinal) ? token[Prefix.Length..].Split('_')[0] : "invalid";
        return Task.FromResult(mode switch
        {
            "ok" => answers.GetOrAdd(idempotencyKey, _ => GatewayResult.Approve(NewReference("auth"))).Value,
            "decline" => GatewayResult.Decline(PaymentFailureCodes.Declined),
            "nsf" => GatewayResult.Decline(PaymentFailureCodes.InsufficientFunds),
            "error" => throw new PaymentGatewayUnavailableException(
                PaymentFailureCodes.TransientError, "The gateway reported a processing error."),
            "timeout" => throw new PaymentGatewayUnavailableException(
                PaymentFailureCodes.Timeout, "The gateway did not answer in time."),
            "outage" => throw new PaymentGatewayUnavailableException(
                PaymentFailureCodes.Outage, "The gateway is unavailable."),
            _ => GatewayResult.Decline(PaymentFailureCodes.Declined),
        });
    }

    public Task<GatewayResult> CaptureAsync(string authorization, decimal amount, string idempotencyKey, CancellationToken cancellationToken) =>
        Answer(idempotencyKey, "cap");

    public Task<GatewayResult> VoidAsync(string authorization, string idempotencyKey, CancellationToken cancellationToken) =>
        Answer(idempotencyKey, "void");

    public Task<GatewayResult> RefundAsync(string authorization, decimal amount, string idempotencyKey, CancellationToken cancellationToken) =>
        Answer(idempotencyKey, "ref");

    private Task<GatewayResult> Answer(string idempotencyKey, string kind)
    {
        ThrowIfOutage();
        return Task.FromResult(answers.GetOrAdd(idempotencyKey, _ => GatewayResult.Approve(NewReference(kind))).Value);
    }

    private void ThrowIfOutage()
    {
        if (outage)
        {
            throw new PaymentGatewayUnavailableException(PaymentFailureCodes.Outage, "The gateway is unavailable (outage switched on).");
        }
    }

    private static string NewReference(string kind) => $"{kind}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10))}";
}

public static class CardBrands
{
    public static string Of(string number) => number switch
    {
        ['4', ..] => "Visa",
        ['3', '4' or '7', ..] => "Amex",
        ['5', '1' or '2' or '3' or '4' or '5', ..] => "Mastercard",
        ['2', ..] when int.Parse(number[..4]) is >= 2221 and <= 2720 => "Mastercard",
        ['6', '0', '1', '1', ..] or ['6', '5', ..] => "Discover",
        _ => "Card",
    };

    /// <summary>The Luhn checksum every real card number satisfies.</summary>
    public static bool IsValidNumber(string number)
    {
        if (number.Length is < 12 or > 19 || !number.All(char.IsAsciiDigit))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < number.Length; i++)
        {
            var digit = number[number.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
        }

        return sum % 10 == 0;
    }
}
