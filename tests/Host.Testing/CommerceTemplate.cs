using Commerce.Host;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Database;
using Commerce.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Commerce.Host.Testing;

/// <summary>
/// A database as the host's `migrate` leaves it for every context the host knows (roles, schemas, grants,
/// migrations), built once per test process and copied for each test class.
/// </summary>
public sealed class CommerceTemplate : DatabaseTemplate
{
    public override string Name => "commerce";

    public override async Task InitializeAsync(string connectionString)
    {
        await using var app = BuildHost(connectionString);
        await CommerceDatabase.MigrateAsync(app.Services, connectionString);

        // The template cannot be copied while pooled connections (as the contexts' roles) remain open in it.
        foreach (var context in app.Services.GetServices<CommerceContextRegistration>())
        {
            await using var connection = new NpgsqlConnection(context.ConnectionString);
            NpgsqlConnection.ClearPool(connection);
        }
    }

    /// <summary>Every context's registration against <paramref name="adminConnectionString"/>'s database (not started).</summary>
    public static WebApplication BuildHost(string adminConnectionString, IEnumerable<HostedContext>? contexts = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration["ConnectionStrings:Admin"] = adminConnectionString;
        builder.AddServiceDefaults();
        foreach (var context in contexts ?? HostedContexts.All)
        {
            context.Add(builder);
        }

        return builder.Build();
    }
}
