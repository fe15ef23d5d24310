using System.CommandLine;

namespace Commerce.Cli.Tests;

/// <summary>How the CLI finds Temporal: Temporal's own configuration file and profiles, and clear failures.</summary>
public sealed class ConnectionTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("commerce-cli-connection-");

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public async Task AnyCommand_ProfileNamesUnreachableAddress_ExitsUnreachableNamingIt()
    {
        var config = Path.Combine(folder.FullName, "temporal.toml");
        await File.WriteAllTextAsync(config, """
            [profile.remote]
            address = "127.0.0.1:1"
            namespace = "orders"
            """);

        var (exit, output, error) = await RunAsync("orders", "list", "--config-file", config, "--profile", "remote");

        Assert.Equal(ExitCodes.Unreachable, exit);
        Assert.Contains("Cannot reach Temporal at 127.0.0.1:1 (namespace 'orders')", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error + output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_MissingClientCertificate_ExitsUsageBeforeConnecting()
    {
        var missing = Path.Combine(folder.FullName, "missing.pem");

        var (exit, output, error) = await RunAsync("orders", "list", "--address", "127.0.0.1:1", "--tls-cert-path", missing);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("Temporal connection settings are unusable", error, StringComparison.Ordinal);
        Assert.Contains("missing.pem", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error + output, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommerceCommand.RunAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
