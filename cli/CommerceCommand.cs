using System.CommandLine;
using Commerce.Cli.Caches;
using Commerce.Cli.Orders;
using Commerce.Workflows.Temporal;

namespace Commerce.Cli;

/// <summary>The root command: global options shared by every subcommand, and usage errors as exit code 2.</summary>
public static class CommerceCommand
{
    // Connection options mirror the Temporal CLI's flags; each one given wins over Temporal's environment
    // configuration (the TEMPORAL_* variable named in its description, then the profile), which wins over the defaults.
    public static readonly Option<string> Address = Global<string>("--address",
        "Temporal frontend address as host:port [env: TEMPORAL_ADDRESS, or COMMERCE_TEMPORAL_ADDRESS; default: 127.0.0.1:7233]");

    public static readonly Option<string> Namespace = Global<string>("--namespace",
        "Temporal namespace [env: TEMPORAL_NAMESPACE, or COMMERCE_TEMPORAL_NAMESPACE; default: default]");

    public static readonly Option<string> ApiKey = Global<string>("--api-key",
        "API key, e.g. for Temporal Cloud; turns TLS on [env: TEMPORAL_API_KEY]");

    public static readonly Option<string> Profile = Global<string>("--profile",
        "Profile in the configuration file [env: TEMPORAL_PROFILE; default: default]");

    public static readonly Option<string> ConfigFile = Global<string>("--config-file",
        "Temporal TOML configuration file [env: TEMPORAL_CONFIG_FILE; default: ~/.config/temporalio/temporal.toml]");

    public static readonly Option<bool?> Tls = Global<bool?>("--tls",
        "Force TLS on (--tls) or off (--tls false) [env: TEMPORAL_TLS]");

    public static readonly Option<string> TlsCertPath = Global<string>("--tls-cert-path",
        "PEM client certificate for mTLS [env: TEMPORAL_TLS_CLIENT_CERT_PATH]");

    public static readonly Option<string> TlsKeyPath = Global<string>("--tls-key-path",
        "PEM private key of the client certificate [env: TEMPORAL_TLS_CLIENT_KEY_PATH]");

    public static readonly Option<string> TlsCaPath = Global<string>("--tls-ca-path",
        "PEM CA certificate to verify the server with [env: TEMPORAL_TLS_SERVER_CA_CERT_PATH]");

    public static readonly Option<string> TlsServerName = Global<string>("--tls-server-name",
        "Server name for SNI and verification [env: TEMPORAL_TLS_SERVER_NAME]");

    public static readonly Option<bool> Json = Global<bool>("--json",
        "Print JSON instead of a table");

    /// <summary>An option every subcommand takes.</summary>
    private static Option<T> Global<T>(string name, string description) => new(name) { Description = description, Recursive = true };

    public static RootCommand Create()
    {
        var root = new RootCommand("Commerce operator CLI: find orders whose saga is stuck, inspect, retry or cancel them; rebuild a context's caches.");
        foreach (var option in (Option[])[Address, Namespace, ApiKey, Profile, ConfigFile, Tls, TlsCertPath, TlsKeyPath, TlsCaPath, TlsServerName, Json])
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(OrdersCommand.Create());
        root.Subcommands.Add(CachesCommand.Create());
        return root;
    }

    /// <summary>The connection settings given on the command line; the rest comes from Temporal's environment configuration.</summary>
    public static TemporalSettings TemporalSettings(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return new TemporalSettings
        {
            Address = parseResult.GetValue(Address),
            Namespace = parseResult.GetValue(Namespace),
            ApiKey = parseResult.GetValue(ApiKey),
            Profile = parseResult.GetValue(Profile),
            ConfigFile = parseResult.GetValue(ConfigFile),
            Tls = parseResult.GetValue(Tls),
            TlsClientCertPath = parseResult.GetValue(TlsCertPath),
            TlsClientKeyPath = parseResult.GetValue(TlsKeyPath),
            TlsServerCaCertPath = parseResult.GetValue(TlsCaPath),
            TlsServerName = parseResult.GetValue(TlsServerName),
        };
    }

    /// <summary>Parses and runs; a malformed command line prints why and exits with <see cref="ExitCodes.Usage"/>.</summary>
    public static async Task<int> RunAsync(string[] args, InvocationConfiguration? configuration = null)
    {
        configuration ??= new InvocationConfiguration();
        var parseResult = Create().Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await configuration.Error.WriteLineAsync(error.Message);
            }

            await configuration.Error.WriteLineAsync("Run 'commerce --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parseResult.InvokeAsync(configuration);
    }
}
