using System.Text;
using Commerce.Workflows.Temporal;

namespace Commerce.Workflows.Tests.Temporal;

/// <summary>
/// Connect options from Temporal's environment configuration, built without connecting. Each test passes its own
/// variables (never the process's) and its own configuration file.
/// </summary>
public sealed class TemporalSettingsTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("commerce-temporal-settings-");

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public void ToConnectOptions_ProfileFileAndEnvironment_EnvironmentOverridesTheProfileItNames()
    {
        var ca = Write("ca.pem", "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n");
        var cert = Write("client.pem", "-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n");
        var key = Write("client.key", "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n");
        var config = Write("temporal.toml", $"""
            [profile.default]
            address = "localhost:7233"

            [profile.prod]
            address = "prod.example.com:7233"
            namespace = "orders-file"
            api_key = "key-from-file"

            [profile.prod.tls]
            server_name = "frontend.example.com"
            server_ca_cert_path = "{ca}"
            client_cert_path = "{cert}"
            client_key_path = "{key}"
            """);

        var options = new TemporalSettings().ToConnectOptions(new Dictionary<string, string>
        {
            ["TEMPORAL_CONFIG_FILE"] = config,
            ["TEMPORAL_PROFILE"] = "prod",
            ["TEMPORAL_NAMESPACE"] = "orders-env",
        });

        Assert.Equal("prod.example.com:7233", options.TargetHost);
        Assert.Equal("orders-env", options.Namespace);
        Assert.Equal("key-from-file", options.ApiKey);
        Assert.NotNull(options.Tls);
        Assert.False(options.Tls.Disabled);
        Assert.Equal("frontend.example.com", options.Tls.Domain);
        Assert.Equal(File.ReadAllBytes(ca), options.Tls.ServerRootCACert);
        Assert.Equal(File.ReadAllBytes(cert), options.Tls.ClientCert);
        Assert.Equal(File.ReadAllBytes(key), options.Tls.ClientPrivateKey);
        Assert.Contains(options.Interceptors ?? [], interceptor => interceptor is TracingInterceptor);
        Assert.Same(TemporalMetrics.Runtime, options.Runtime);
    }

    [Fact]
    public void ToConnectOptions_TemporalCloudVariables_ApiKeyWithTlsOn()
    {
        var options = new TemporalSettings().ToConnectOptions(Environment(
            ("TEMPORAL_ADDRESS", "orders.a1b2c.tmprl.cloud:7233"),
            ("TEMPORAL_NAMESPACE", "orders.a1b2c"),
            ("TEMPORAL_API_KEY", "secret-key")));

        Assert.Equal("orders.a1b2c.tmprl.cloud:7233", options.TargetHost);
        Assert.Equal("orders.a1b2c", options.Namespace);
        Assert.Equal("secret-key", options.ApiKey);
        Assert.NotNull(options.Tls);
        Assert.False(options.Tls.Disabled);
    }

    [Fact]
    public void ToConnectOptions_ExplicitSettings_WinOverVariablesAndProfile()
    {
        var config = Write("temporal.toml", """
            [profile.default]
            address = "from-file:7233"
            namespace = "from-file"
            """);
        var settings = new TemporalSettings { Address = "explicit:7233", Namespace = "explicit", Tls = false };

        var options = settings.ToConnectOptions(Environment(
            ("TEMPORAL_CONFIG_FILE", config), ("TEMPORAL_ADDRESS", "from-env:7233"), ("TEMPORAL_API_KEY", "key")));

        Assert.Equal("explicit:7233", options.TargetHost);
        Assert.Equal("explicit", options.Namespace);
        Assert.Equal("key", options.ApiKey);
        Assert.True(options.Tls?.Disabled);
    }

    [Fact]
    public void ToConnectOptions_NothingConfigured_LocalDefaultsWithoutTls()
    {
        var options = new TemporalSettings().ToConnectOptions(Environment(("TEMPORAL_CONFIG_FILE", Write("temporal.toml", ""))));

        Assert.Equal(TemporalSettings.DefaultAddress, options.TargetHost);
        Assert.Equal(TemporalSettings.DefaultNamespace, options.Namespace);
        Assert.Null(options.ApiKey);
        Assert.Null(options.Tls);
    }

    [Theory]
    [InlineData(null, "legacy:7233")]
    [InlineData("standard:7233", "standard:7233")]
    public void ToConnectOptions_LegacyCommerceVariable_UsedOnlyWithoutTemporalAddress(string? standard, string expected)
    {
        var variables = Environment(("TEMPORAL_CONFIG_FILE", Write("temporal.toml", "")), ("COMMERCE_TEMPORAL_ADDRESS", "legacy:7233"));
        if (standard is not null)
        {
            variables["TEMPORAL_ADDRESS"] = standard;
        }

        Assert.Equal(expected, new TemporalSettings().ToConnectOptions(variables).TargetHost);
    }

    private static Dictionary<string, string> Environment(params (string Name, string Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => v.Value);

    private string Write(string name, string content)
    {
        var path = Path.Combine(folder.FullName, name);
        File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }
}
