using System.Collections;
using Temporalio.Client;
using Temporalio.Common.EnvConfig;

namespace Commerce.Workflows.Temporal;

/// <summary>
/// Connection settings given explicitly (the host's <c>Temporal</c> section, the CLI's options), and the one place
/// that turns them into Temporal connect options, for the Checkout API, the saga worker and the CLI alike.
/// Precedence: a setting given here (command line, appsettings) over Temporal's environment configuration
/// (TEMPORAL_* variables over the profile in the TOML file, as the SDK and the Temporal CLI read them) over the
/// defaults (127.0.0.1:7233, namespace "default"). Every client also gets the tracing interceptor and the runtime
/// that bridges the SDK's metrics to System.Diagnostics.Metrics. Bound from configuration, hence a settable class.
/// </summary>
public sealed class TemporalSettings
{
    public const string DefaultAddress = "127.0.0.1:7233";

    public const string DefaultNamespace = "default";

    /// <summary>Frontend address as host:port (TEMPORAL_ADDRESS).</summary>
    public string? Address { get; set; }

    /// <summary>TEMPORAL_NAMESPACE.</summary>
    public string? Namespace { get; set; }

    /// <summary>TEMPORAL_API_KEY; implies TLS unless TLS is explicitly switched off.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Profile to read from the configuration file (TEMPORAL_PROFILE; "default").</summary>
    public string? Profile { get; set; }

    /// <summary>The TOML configuration file (TEMPORAL_CONFIG_FILE; ~/.config/temporalio/temporal.toml).</summary>
    public string? ConfigFile { get; set; }

    /// <summary>True or false forces TLS on or off (TEMPORAL_TLS).</summary>
    public bool? Tls { get; set; }

    /// <summary>PEM client certificate for mTLS (TEMPORAL_TLS_CLIENT_CERT_PATH).</summary>
    public string? TlsClientCertPath { get; set; }

    /// <summary>PEM private key of the client certificate (TEMPORAL_TLS_CLIENT_KEY_PATH).</summary>
    public string? TlsClientKeyPath { get; set; }

    /// <summary>PEM CA certificate the server's certificate must chain to (TEMPORAL_TLS_SERVER_CA_CERT_PATH).</summary>
    public string? TlsServerCaCertPath { get; set; }

    /// <summary>SNI and verification name when it differs from the address's host (TEMPORAL_TLS_SERVER_NAME).</summary>
    public string? TlsServerName { get; set; }

    /// <summary>Older names of TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE, still honoured when those are unset.</summary>
    private static readonly (string Legacy, string Standard)[] LegacyVariables =
    [
        ("COMMERCE_TEMPORAL_ADDRESS", "TEMPORAL_ADDRESS"),
        ("COMMERCE_TEMPORAL_NAMESPACE", "TEMPORAL_NAMESPACE"),
    ];

    /// <summary>Connect options for these settings; <paramref name="environment"/> replaces the process's variables (tests).</summary>
    public TemporalClientConnectOptions ToConnectOptions(IReadOnlyDictionary<string, string>? environment = null) =>
        ApplyTo(new TemporalClientConnectOptions(), environment);

    /// <summary>Fills <paramref name="options"/> (e.g. the hosting extension's) the same way as <see cref="ToConnectOptions"/>.</summary>
    public TemporalClientConnectOptions ApplyTo(TemporalClientConnectOptions options, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var profile = ClientEnvConfig.Profile.Load(new ClientEnvConfig.ProfileLoadOptions
        {
            Profile = Profile,
            ConfigSource = ConfigFile is { Length: > 0 } file ? DataSource.FromPath(file) : null,
            OverrideEnvVars = WithLegacyVariables(environment ?? ProcessEnvironment()),
        });
        var fromProfile = profile.ToClientConnectionOptions();

        options.TargetHost = Address ?? fromProfile.TargetHost ?? DefaultAddress;
        options.Namespace = Namespace ?? profile.Namespace ?? DefaultNamespace;
        options.ApiKey = ApiKey ?? fromProfile.ApiKey;
        options.Tls = MergeTls(fromProfile.Tls);
        if (fromProfile.RpcMetadata is { Count: > 0 } metadata)
        {
            options.RpcMetadata = metadata;
        }

        options.Interceptors = [.. options.Interceptors ?? [], new TracingInterceptor()];
        options.Runtime = TemporalMetrics.Runtime;
        return options;
    }

    /// <summary>
    /// The profile's TLS with the explicit settings on top. Null leaves TLS to the SDK, which turns it on when there
    /// is an API key; off is an explicit <see cref="TlsOptions.Disabled"/>, so that it holds with an API key too.
    /// </summary>
    private TlsOptions? MergeTls(TlsOptions? fromProfile)
    {
        if (Tls == false)
        {
            return new TlsOptions { Disabled = true };
        }

        if (Tls != true && TlsClientCertPath is null && TlsClientKeyPath is null && TlsServerCaCertPath is null && TlsServerName is null)
        {
            return fromProfile;
        }

        var tls = fromProfile is null or { Disabled: true } ? new TlsOptions() : (TlsOptions)fromProfile.Clone();
        tls.ClientCert = Read(TlsClientCertPath) ?? tls.ClientCert;
        tls.ClientPrivateKey = Read(TlsClientKeyPath) ?? tls.ClientPrivateKey;
        tls.ServerRootCACert = Read(TlsServerCaCertPath) ?? tls.ServerRootCACert;
        tls.Domain = TlsServerName ?? tls.Domain;
        return tls;
    }

    private static byte[]? Read(string? path) => path is { Length: > 0 } ? File.ReadAllBytes(path) : null;

    private static Dictionary<string, string> WithLegacyVariables(IReadOnlyDictionary<string, string> environment)
    {
        var variables = new Dictionary<string, string>(environment, StringComparer.Ordinal);
        foreach (var (legacy, standard) in LegacyVariables)
        {
            if (!variables.ContainsKey(standard) && variables.TryGetValue(legacy, out var value))
            {
                variables[standard] = value;
            }
        }

        return variables;
    }

    private static Dictionary<string, string> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(entry => (string)entry.Key, entry => entry.Value as string ?? "", StringComparer.Ordinal);
}
