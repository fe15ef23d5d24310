using System.Security.Cryptography;
using System.Text;

namespace Commerce.Shipping.Carrier;

/// <summary>Bound from <c>Shipping:Carrier</c>; only the secret is read here (the simulator's settings share the section).</summary>
public sealed class CarrierWebhookOptions
{
    /// <summary>The secret Shipping shares with the carrier; see <see cref="CarrierWebhookSecret"/>.</summary>
    public string? WebhookSecret { get; set; }
}

/// <summary>
/// The secret the carrier signs its webhook calls with (<see cref="CarrierWebhookSignature"/>), from
/// <c>Shipping:Carrier:WebhookSecret</c>. Outside Development the host refuses to start without one; in Development
/// without one it makes up a random one for the process, which only the simulated carrier (in the same process)
/// knows, and says so in the log (never the secret itself).
/// </summary>
public sealed class CarrierWebhookSecret
{
    public const string ConfigurationKey = "Shipping:Carrier:WebhookSecret";

    /// <summary>Shorter secrets are refused: an HMAC key is only as strong as it is long.</summary>
    public const int MinimumLength = 32;

    private const string Missing =
        $"{ConfigurationKey} is not configured. Outside Development the host needs the secret it shares with the carrier to "
        + "verify the carrier's webhook calls: set it (at least 32 characters, e.g. from `openssl rand -hex 32`) in the "
        + "configuration or as the environment variable Shipping__Carrier__WebhookSecret.";

    private const string TooShort =
        $"{ConfigurationKey} is shorter than 32 characters; use a longer random secret (e.g. `openssl rand -hex 32`).";

    private readonly byte[] key;

    private CarrierWebhookSecret(byte[] key) => this.key = key;

    public ReadOnlyMemory<byte> Key => key;

    internal static void AddTo(IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CarrierWebhookOptions>()
            .Bind(builder.Configuration.GetSection("Shipping:Carrier"))
            .Validate<IHostEnvironment>((options, environment) => Configured(options) || environment.IsDevelopment(), Missing)
            .Validate(options => !Configured(options) || options.WebhookSecret!.Length >= MinimumLength, TooShort)
            // Checked when the host starts, not when it is built: `migrate` and `seed-demo` never need the secret.
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => Create(
            sp.GetRequiredService<IOptions<CarrierWebhookOptions>>().Value,
            sp.GetRequiredService<IHostEnvironment>(),
            sp.GetRequiredService<ILogger<CarrierWebhookSecret>>()));
    }

    private static bool Configured(CarrierWebhookOptions options) => !string.IsNullOrWhiteSpace(options.WebhookSecret);

    private static CarrierWebhookSecret Create(CarrierWebhookOptions options, IHostEnvironment environment, ILogger logger)
    {
        if (Configured(options))
        {
            return new(Encoding.UTF8.GetBytes(options.WebhookSecret!));
        }

        // The start-up check refuses this already; a secret resolved before it ran must not quietly be a random one.
        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException(Missing);
        }

        logger.LogWarning(
            "No {Key} configured: generated a random one for this process (Development only). Only the simulated carrier in "
            + "this process can sign webhook calls; configure the key for a carrier outside it", ConfigurationKey);
        return new(Encoding.UTF8.GetBytes(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))));
    }
}
