using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;

namespace Commerce.ServiceDefaults.Http;

/// <summary>
/// Where a context is reached over HTTP: <c>Services:{Context}:BaseUrl</c> when configured, otherwise this host's
/// own address (co-hosted contexts still talk over real HTTP, never in-process calls).
/// </summary>
public sealed class ServiceAddresses(IConfiguration configuration, IServer server)
{
    public Uri For(string context)
    {
        var configured = configuration[$"Services:{context}:BaseUrl"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new Uri(configured, UriKind.Absolute);
        }

        return Self();
    }

    public Uri Self()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
                      ?? addresses.FirstOrDefault()
                      ?? throw new InvalidOperationException(
                          "This host has no listening address yet; configure Services:{Context}:BaseUrl.");

        // Wildcard bindings are not addresses one can connect to.
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "127.0.0.1";
        }

        // Port 0 asks Kestrel for any free port: until it has bound one, there is no address to give.
        if (uri.Port == 0)
        {
            throw new InvalidOperationException("This host has not bound its port yet; ask for its address once it has started.");
        }

        return uri.Uri;
    }
}
