using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Host.Testing;

/// <summary>
/// The real host on a real loopback port (Kestrel, so the outbox dispatcher, Refit clients and token validation reach
/// co-hosted contexts over HTTP exactly as in production), running <paramref name="contexts"/> against one test
/// database. Fast test defaults: 20 ms outbox polling and retry base, 3 attempts, reservation and cart abandonment sweepers off (tests sweep
/// explicitly), rate limits out of reach, the test identities (<see cref="TestIdentity"/>). <paramref name="settings"/> override any of them.
/// A host without Customer validates tokens from a companion host running only Customer (the token server) on the
/// same database, unless <paramref name="settings"/> name an Authentication:Authority.
/// </summary>
public class CommerceHostFactory : WebApplicationFactory<Program>
{
    private readonly string contexts;
    private readonly IReadOnlyDictionary<string, string?> settings;
    private readonly Action<IServiceCollection>? services;
    private CommerceHostFactory? tokenServerHost;

    public CommerceHostFactory(
        string adminConnectionString,
        string contexts,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        AdminConnectionString = adminConnectionString;
        this.contexts = contexts;
        this.settings = settings ?? new Dictionary<string, string?>();
        this.services = services;
        // The port comes from the host's own URL setting (see ConfigureWebHost), not UseKestrel(0): that overload
        // rewrites the server's addresses after the app has started binding them, and fails when Kestrel gets there
        // first ("Addresses cannot be modified after the server has started", dotnet/aspnetcore#67714).
        UseKestrel();
    }

    public string AdminConnectionString { get; }

    /// <summary>This host's address (it serves on Kestrel from the first use).</summary>
    public Uri Address => Services.GetRequiredService<Commerce.ServiceDefaults.Http.ServiceAddresses>().Self();

    /// <summary>Where tokens come from: this host when it runs Customer, else its companion or the configured authority.</summary>
    public Uri TokenServer => settings.TryGetValue("Authentication:Authority", out var authority) && authority is not null
        ? new Uri(authority)
        : tokenServerHost?.Address ?? Address;

    /// <summary>Starts the server on a free loopback port.</summary>
    public CommerceHostFactory Start()
    {
        StartServer();
        TestIdentity.RegisterHost(Address, TokenServer);
        return this;
    }

    /// <summary>The test defaults every test host starts from, in process or as a child process (<see cref="HostProcess"/>).</summary>
    public static IReadOnlyDictionary<string, string?> TestDefaults { get; } = new Dictionary<string, string?>(TestIdentity.Settings)
    {
        // A commit that writes events wakes its dispatcher at once; the poll only finds retries and lapsed leases falling
        // due. Every context's dispatcher polls, so at 20 ms one idle whole system kept about a core busy (measured):
        // CPU the suites running beside it need.
        ["Commerce:Outbox:PollInterval"] = "00:00:00.200",
        ["Commerce:Outbox:RetryBaseDelay"] = "00:00:00.020",
        ["Commerce:Outbox:MaxAttempts"] = "3",
        ["Inventory:Reservations:SweeperEnabled"] = "false",
        ["ShoppingCart:Abandonment:Enabled"] = "false",
        // The suites sign in and submit far more often than a shopper: tests of the limits set their own.
        ["Commerce:RateLimits:SignIn:PermitLimit"] = "1000000",
        ["Commerce:RateLimits:OrderSubmission:PermitLimit"] = "1000000",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>A new client of this host carrying a token of <paramref name="clientId"/> (an operator's or a service's).</summary>
    public async Task<HttpClient> ClientAsAsync(string clientId) =>
        TestIdentity.ClientWith(Address, await TestIdentity.ClientTokenAsync(TokenServer, clientId));

    /// <summary>A new client of this host carrying the token of the customer who registered with <paramref name="email"/>.</summary>
    public async Task<HttpClient> CustomerClientAsync(string email, string password = TestIdentity.CustomerPassword) =>
        TestIdentity.ClientWith(Address, await TestIdentity.CustomerTokenAsync(TokenServer, email, password));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Admin", AdminConnectionString);
        builder.UseSetting("Commerce:Contexts", contexts);
        foreach (var (key, value) in TestDefaults.Concat(settings))
        {
            builder.UseSetting(key, value);
        }

        var hostsCustomer = contexts.Split(',', StringSplitOptions.TrimEntries).Contains("Customer", StringComparer.OrdinalIgnoreCase);
        if (!hostsCustomer && !settings.ContainsKey("Authentication:Authority"))
        {
            tokenServerHost = new CommerceHostFactory(AdminConnectionString, "Customer").Start();
            builder.UseSetting("Authentication:Authority", tokenServerHost.Address.ToString());
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (tokenServerHost is not null)
        {
            await tokenServerHost.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
