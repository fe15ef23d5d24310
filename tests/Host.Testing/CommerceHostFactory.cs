using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Host.Testing;

/// <summary>
/// The real host on a real loopback port (Kestrel, so the outbox dispatcher and Refit clients reach co-hosted
/// contexts over HTTP exactly as in production), running <paramref name="contexts"/> against one test database.
/// Fast test defaults: 20 ms outbox polling and retry base, 3 attempts, reservation sweeper off (tests sweep
/// explicitly). <paramref name="settings"/> override any of them.
/// </summary>
public class CommerceHostFactory(
    string adminConnectionString,
    string contexts,
    IReadOnlyDictionary<string, string?>? settings = null,
    Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    private bool listensOnLoopback;

    public string AdminConnectionString => adminConnectionString;

    /// <summary>Starts the server on a free loopback port; call once before using <see cref="WebApplicationFactory{T}.CreateClient()"/>.</summary>
    public CommerceHostFactory Start()
    {
        // The port comes from the host's own URL setting (see ConfigureWebHost), not UseKestrel(0): that overload
        // rewrites the server's addresses after the app has started binding them, and fails when Kestrel gets there
        // first ("Addresses cannot be modified after the server has started", dotnet/aspnetcore#67714).
        UseKestrel();
        listensOnLoopback = true;
        StartServer();
        return this;
    }

    /// <summary>The test defaults every test host starts from, in process or as a child process (<see cref="HostProcess"/>).</summary>
    public static IReadOnlyDictionary<string, string?> TestDefaults { get; } = new Dictionary<string, string?>
    {
        ["Commerce:Outbox:PollInterval"] = "00:00:00.020",
        ["Commerce:Outbox:RetryBaseDelay"] = "00:00:00.020",
        ["Commerce:Outbox:MaxAttempts"] = "3",
        ["Inventory:Reservations:SweeperEnabled"] = "false",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (listensOnLoopback)
        {
            builder.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
        }

        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Admin", adminConnectionString);
        builder.UseSetting("Commerce:Contexts", contexts);
        foreach (var (key, value) in TestDefaults.Concat(settings ?? new Dictionary<string, string?>()))
        {
            builder.UseSetting(key, value);
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }
}
