using System.CommandLine;
using System.Text.Json;
using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.ServiceDefaults;
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

        var (exit, output, error) = await RunAsync("caches", "rebuild", "notification", "--api-url", host.Client.BaseAddress!.ToString(), "--json");

        Assert.True(exit == ExitCodes.Success, error);
        using var report = JsonDocument.Parse(output);
        Assert.Equal("Notification", report.RootElement.GetProperty("context").GetString());
        Assert.Contains(report.RootElement.GetProperty("caches").EnumerateArray(), c => c.GetProperty("refreshed").GetInt32() >= 1);
        Assert.Equal(1, await host.Sql.CountAsync("notification.customer_contacts", "customer_id = $1 AND NOT deleted", customer.Id));
    }

    [Fact]
    public async Task Rebuild_ContextWithoutCaches_ExitsNotFound()
    {
        var (exit, _, error) = await RunAsync("caches", "rebuild", "customer", "--api-url", host.Client.BaseAddress!.ToString());

        Assert.Equal(ExitCodes.NotFound, exit);
        Assert.Contains("customer", error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Rebuild_ApiUnreachable_ExitsUnreachable()
    {
        var (exit, _, error) = await RunAsync("caches", "rebuild", "notification", "--api-url", "http://127.0.0.1:9");

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
