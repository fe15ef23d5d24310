using System.Security.Cryptography;
using Commerce.ServiceDefaults.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Commerce.Customer.SignIn;

/// <summary>
/// The embedded token server: OpenIddict (OAuth 2.0 / OpenID Connect) on Customer's schema, with ASP.NET Core
/// Identity's password hashing and lockout for customers' credentials. Discovery at
/// /.well-known/openid-configuration, keys at /.well-known/jwks, tokens at /connect/token: the password grant for
/// customers (through the public "storefront" client), client credentials for operators and services, refresh tokens.
/// </summary>
public static class TokenServer
{
    public const string TokenEndpoint = "/connect/token";

    public static IHostApplicationBuilder AddCustomerTokenServer(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(TokenServerOptions.Section);
        var options = section.Get<TokenServerOptions>() ?? new TokenServerOptions();
        var development = builder.Environment.IsDevelopment();
        builder.Services.Configure<TokenServerOptions>(section);

        builder.Services.AddIdentityCore<CustomerCredential>(identity =>
            {
                identity.Lockout.AllowedForNewUsers = true;
                identity.Lockout.MaxFailedAccessAttempts = options.MaxFailedSignIns;
                identity.Lockout.DefaultLockoutTimeSpan = options.LockoutDuration;
                // Length, not composition rules (NIST SP 800-63B): CustomerEndpoints checks 10 to 128 characters.
                identity.Password.RequireDigit = false;
                identity.Password.RequireLowercase = false;
                identity.Password.RequireUppercase = false;
                identity.Password.RequireNonAlphanumeric = false;
                identity.Password.RequiredLength = Limits.PasswordMin;
            })
            .AddEntityFrameworkStores<CustomerDbContext>();

        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<CustomerDbContext>().ReplaceDefaultEntities<Guid>())
            .AddServer(server =>
            {
                server.SetTokenEndpointUris(TokenEndpoint.TrimStart('/'));
                server.AllowPasswordFlow().AllowClientCredentialsFlow().AllowRefreshTokenFlow();
                server.RegisterScopes(Scopes.OfflineAccess);
                server.SetAccessTokenLifetime(options.AccessTokenLifetime).SetRefreshTokenLifetime(options.RefreshTokenLifetime);
                // Resource servers validate access tokens themselves (JwtBearer, any OIDC-aware stack): signed, not encrypted.
                server.DisableAccessTokenEncryption();
                if (options.Issuer is not null)
                {
                    server.SetIssuer(options.Issuer);
                }
                else if (!development)
                {
                    throw new InvalidOperationException($"Set {TokenServerOptions.Section}:Issuer (Customer's public address) outside Development.");
                }

                server.AddSigningKey(LoadKey(options.SigningKeyFile, "SigningKeyFile", development));
                server.AddEncryptionKey(LoadKey(options.EncryptionKeyFile, "EncryptionKeyFile", development));
                var aspNetCore = server.UseAspNetCore().EnableTokenEndpointPassthrough();
                if (development)
                {
                    // run.sh and the tests serve plain HTTP on loopback; elsewhere TLS (or a TLS-terminating proxy) is required.
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            });

        builder.Services.AddHostedService<ClientRegistrations>();
        return builder;
    }

    /// <summary>An RSA key from a PEM file; in Development with no file, a throwaway key for this process.</summary>
    private static RsaSecurityKey LoadKey(string? file, string setting, bool development)
    {
        var rsa = RSA.Create(2048);
        if (!string.IsNullOrWhiteSpace(file))
        {
            rsa.ImportFromPem(File.ReadAllText(file));
        }
        else if (!development)
        {
            throw new InvalidOperationException(
                $"Set {TokenServerOptions.Section}:{setting} to an RSA private key (PEM) outside Development; run.sh makes one under .local/identity/.");
        }

        var key = new RsaSecurityKey(rsa);
        key.KeyId = Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false))).ComputeJwkThumbprint());
        return key;
    }
}

/// <summary>
/// Registers the configured clients with the token server when Customer starts (Authentication:Clients:{id}:Secret,
/// with Role operator or service), and the storefront's public client; a changed secret replaces the stored one.
/// Secrets are stored hashed by OpenIddict.
/// </summary>
internal sealed class ClientRegistrations(IServiceProvider services, IOptions<AuthenticationSettings> settings, ILogger<ClientRegistrations> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        await EnsureAsync(applications, new OpenIddictApplicationDescriptor
        {
            ClientId = Clients.Storefront,
            DisplayName = "Storefront (customers sign in)",
            ClientType = ClientTypes.Public,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.Password, Permissions.GrantTypes.RefreshToken },
        }, null, cancellationToken);

        foreach (var (clientId, client) in settings.Value.Clients)
        {
            if (string.IsNullOrEmpty(client.Secret))
            {
                continue;
            }

            await EnsureAsync(applications, new OpenIddictApplicationDescriptor
            {
                ClientId = clientId,
                ClientSecret = client.Secret,
                DisplayName = $"{clientId} ({client.Role})",
                ClientType = ClientTypes.Confidential,
                Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
            }, client.Secret, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task EnsureAsync(
        IOpenIddictApplicationManager applications, OpenIddictApplicationDescriptor descriptor, string? secret, CancellationToken cancellationToken)
    {
        // Two hosts starting at once may both try to create it: the loser finds the winner's on its second pass.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var existing = await applications.FindByClientIdAsync(descriptor.ClientId!, cancellationToken);
                if (existing is null)
                {
                    await applications.CreateAsync(descriptor, cancellationToken);
                    logger.LogInformation("Registered client {ClientId}", descriptor.ClientId);
                }
                else if (secret is not null && !await applications.ValidateClientSecretAsync(existing, secret, cancellationToken))
                {
                    await applications.UpdateAsync(existing, descriptor, cancellationToken);
                    logger.LogInformation("Replaced the secret of client {ClientId}", descriptor.ClientId);
                }

                return;
            }
            catch (Exception exception) when (attempt == 0 && exception is DbUpdateException or OpenIddictExceptions.ConcurrencyException)
            {
            }
        }
    }
}
