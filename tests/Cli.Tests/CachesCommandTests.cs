using System.CommandLine;
using System.Text.Json;
using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;
using Commerce.Testing;
using Refit;

namespace Commerce.Cli.Tests;

/// <summary><c>commerce caches rebuild</c> against the real host (Customer and Notification) over HTTP.</summary>
public sealed class CachesCommandTests(CachesCommandTests.CustomerAndNotification host) : IClassFixture<CachesCommandTests.CustomerAndNotification>
{
    public sealed class CustomerAndNotification : ContextFixture
    {
        protected override string Contexts => "Customer,Notification";

    }

    [Fact]
    public async Task Rebuild_Notification_BackfillsAContactItsEventsNeverBrought()
    {
        var customer = await RestService.For<ICustomerApi>(host.Client,
                new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) })
            .RegisterAsync(new RegisterCustomerRequest("Lin", $"{Guid.NewGuid():N}@example.com", Password: TestIdentity.CustomerPassword));
        // As if Notification had never seen the customer: the contact row is lost, the event long delivered.
        await Poll.UntilAsync(() => host.Sql.CountAsync("notification.customer_contacts", "customer_id = $1", customer.Id), count => count == 1);
        await host.Sql.ScalarAsync<long>("WITH gone AS (DELETE FROM notification.customer_contacts WHERE customer_id = $1 RETURNING 1) SELECT count(*) FROM gone", customer.Id);

        var (exit, output, error) = await RebuildAsync("notification", Clients.Operator, "--json");

        Assert.True(exit == ExitCodes.Success, error);
        using var report = JsonDocument.Parse(output);
        Assert.Equal("Notification", report.RootElement.GetProperty("context").GetString());
        Assert.Contains(report.RootElement.GetProperty("caches").EnumerateArray(), c => c.GetProperty("refreshed").GetInt32() >= 1);
        Assert.Equal(1, await host.Sql.CountAsync("notification.customer_contacts", "customer_id = $1 AND NOT deleted", customer.Id));
    }

    [Fact]
    public async Task Rebuild_ContextWithoutCaches_ExitsNotFound()
    {
        var (exit, _, error) = await RebuildAsync("customer", Clients.Operator);

        Assert.Equal(ExitCodes.NotFound, exit);
        Assert.Contains("customer", error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Rebuild_WithoutASecret_ExitsUnauthorizedNamingWhatToSet()
    {
        var (exit, _, error) = await RunAsync("caches", "rebuild", "notification", "--api-url", host.Client.BaseAddress!.ToString());

        Assert.Equal(ExitCodes.Unauthorized, exit);
        Assert.Contains("COMMERCE_CLIENT_SECRET", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rebuild_WrongSecret_ExitsUnauthorizedWithTheTokenServersRefusal()
    {
        var secretFile = await SecretFileAsync("not-the-operators-secret");

        var (exit, _, error) = await RunAsync(
            "caches", "rebuild", "notification", "--api-url", host.Client.BaseAddress!.ToString(), "--client-secret-file", secretFile);

        Assert.Equal(ExitCodes.Unauthorized, exit);
        Assert.Contains("refused the client 'operator'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rebuild_AsAServiceNotAnOperator_ExitsUnauthorizedAndRebuildsNothing()
    {
        var (exit, _, error) = await RebuildAsync("notification", Clients.For("Order"));

        Assert.Equal(ExitCodes.Unauthorized, exit);
        Assert.Contains("403", error, StringComparison.Ordinal);
    }

    /// <summary>Rebuilds as <paramref name="clientId"/>, its secret read from a file as an operator's script would.</summary>
    private async Task<(int Exit, string Output, string Error)> RebuildAsync(string context, string clientId, params string[] more) =>
        await RunAsync([
            "caches", "rebuild", context, "--api-url", host.Client.BaseAddress!.ToString(),
            "--client-id", clientId, "--client-secret-file", await SecretFileAsync(TestIdentity.SecretOf(clientId)), .. more,
        ]);

    private static async Task<string> SecretFileAsync(string secret)
    {
        var path = Path.Combine(Path.GetTempPath(), $"commerce-cli-secret-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(path, secret + "\n");
        return path;
    }

    [Fact]
    public async Task Rebuild_ApiUnreachable_ExitsUnreachable()
    {
        var (exit, _, error) = await RunAsync(
            "caches", "rebuild", "notification", "--api-url", "http://127.0.0.1:9", "--client-secret-file", await SecretFileAsync("any"));

        Assert.Equal(ExitCodes.Unreachable, exit);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommerceCommand.RunAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
