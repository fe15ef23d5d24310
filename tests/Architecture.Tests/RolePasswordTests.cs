using Commerce.Host;
using Commerce.Host.Testing;

namespace Commerce.Architecture.Tests;

/// <summary>
/// A context's role password derived from the admin connection string is the same on every machine
/// (<c>commerce_&lt;context&gt;_local</c>): fine for a developer's cluster, a guessable login anywhere else. Outside
/// Development the real host process refuses to start with it, before it connects to anything. (The hosts that start
/// run Product: it needs nothing else outside Development and does not touch the database to start.)
/// </summary>
public sealed class RolePasswordTests
{
    // Nothing listens there: the host must stop before it tries.
    private const string Admin = "Host=127.0.0.1;Port=1;Username=postgres;Password=postgres;Database=commerce";

    [Fact]
    public async Task Production_OnlyTheAdminConnectionString_RefusesToStartNamingTheSettingToSet()
    {
        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync("Production", HostedContexts.Everything()));

        var first = HostedContexts.All[0].Name;
        Assert.Contains($"The {first} context would log in to PostgreSQL as commerce_{first.ToLowerInvariant()} with the default password",
            refusal.Message, StringComparison.Ordinal);
        Assert.Contains($"ConnectionStrings:{first}", refusal.Message, StringComparison.Ordinal);
        Assert.Contains($"Commerce:RolePasswords:{first}", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_AConnectionStringWithTheDefaultPassword_RefusesToStart()
    {
        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync("Production", "Product", new()
        {
            ["ConnectionStrings:Product"] = "Host=127.0.0.1;Port=1;Username=commerce_product;Password=commerce_product_local;Database=commerce",
        }));

        Assert.Contains("The Product context would log in to PostgreSQL as commerce_product with the default password", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:Product", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_APasswordOfItsOwn_Starts()
    {
        await using var host = await StartAsync("Production", "Product", new()
        {
            ["Commerce:RolePasswords:Product"] = Guid.NewGuid().ToString("N"),
            // What else production asks of a host that validates tokens: an issuer reached over HTTPS.
            ["Authentication:Authority"] = "https://127.0.0.1:1/",
        });
    }

    [Fact]
    public async Task Development_OnlyTheAdminConnectionString_Starts()
    {
        await using var host = await StartAsync("Development", "Product");
    }

    private static Task<HostProcess> StartAsync(string environment, string contexts, Dictionary<string, string?>? settings = null) =>
        HostProcess.StartAsync(Admin, contexts, HostProcess.FreePort(), new Dictionary<string, string?>(settings ?? [])
        {
            ["ASPNETCORE_ENVIRONMENT"] = environment,
        });
}
