using System.Security.Claims;
using Commerce.Customer.Contracts;
using Commerce.ServiceDefaults.Security;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Commerce.Customer.SignIn;

/// <summary>
/// POST /connect/token after OpenIddict has validated the request and the client: decides who the token is for and
/// what it says (subject, role, audience). Refusals are OAuth errors (400 invalid_grant), as clients expect; too
/// many password grants for one username from one address are a 429 problem (<see cref="RateLimits.SignIn"/>).
/// </summary>
public static class TokenEndpoint
{
    public static IEndpointRouteBuilder MapTokenEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(TokenServer.TokenEndpoint, IssueAsync).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn).ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<IResult> IssueAsync(
        HttpContext http,
        CustomerDbContext db,
        UserManager<CustomerCredential> credentials,
        IOptions<AuthenticationSettings> settings,
        ILogger<CustomerCredential> logger,
        CancellationToken cancellationToken)
    {
        var request = http.GetOpenIddictServerRequest()
                      ?? throw new InvalidOperationException("The OpenIddict request is missing: is the token endpoint passthrough enabled?");
        if (request.IsClientCredentialsGrantType())
        {
            // OpenIddict has checked the client's secret against its registration.
            var role = settings.Value.Clients.GetValueOrDefault(request.ClientId!)?.Role ?? Roles.Service;
            return SignIn(request.ClientId!, role, request.ClientId!, [], settings.Value.Audience);
        }

        if (request.IsPasswordGrantType())
        {
            var email = request.Username?.Trim().ToLowerInvariant() ?? "";
            var customer = await db.Customers.AsNoTracking()
                .FirstOrDefaultAsync(c => c.NormalizedEmail == email && c.Status == CustomerStatus.Active, cancellationToken);
            var credential = customer is null ? null : await credentials.FindByIdAsync(customer.Id.ToString());
            if (credential is null || customer is null)
            {
                return Refuse("The e-mail address or password is wrong.");
            }

            if (await credentials.IsLockedOutAsync(credential))
            {
                logger.LogWarning("Sign-in refused: customer {CustomerId} is locked out", customer.Id);
                return Refuse("Too many failed sign-ins: the account is locked for a while.");
            }

            if (!await credentials.CheckPasswordAsync(credential, request.Password ?? ""))
            {
                await credentials.AccessFailedAsync(credential);
                logger.LogWarning("Sign-in failed for customer {CustomerId}", customer.Id);
                return Refuse("The e-mail address or password is wrong.");
            }

            await credentials.ResetAccessFailedCountAsync(credential);
            return SignIn(customer.Id.ToString(), Roles.Customer, request.ClientId, request.GetScopes(), settings.Value.Audience,
                await db.SellerOfAsync(customer.Id, cancellationToken), settings.Value.Claims);
        }

        if (request.IsRefreshTokenGrantType())
        {
            var refreshed = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
            // A refresh token outlives a suspension or deletion: only an active customer gets a new access token.
            if (refreshed?.GetClaim(Claims.Subject) is not { } subject || !Guid.TryParse(subject, out var customerId)
                || !await db.Customers.AnyAsync(c => c.Id == customerId && c.Status == CustomerStatus.Active, cancellationToken))
            {
                return Refuse("The customer can no longer sign in.");
            }

            // Looked up again, not copied from the refresh token: an account that became a seller since signing in gets the claim.
            return SignIn(subject, Roles.Customer, request.ClientId, refreshed.GetScopes(), settings.Value.Audience,
                await db.SellerOfAsync(customerId, cancellationToken), settings.Value.Claims);
        }

        return Results.Forbid(Error(Errors.UnsupportedGrantType, "Unsupported grant type."), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    /// <param name="sellerId">The seller the customer's account manages: role seller and its id beside role customer.</param>
    private static IResult SignIn(
        string subject,
        string role,
        string? clientId,
        IEnumerable<string> scopes,
        string audience,
        Guid? sellerId = null,
        ClaimNames? names = null)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, subject);
        identity.SetClaims(Claims.Role, sellerId is null ? [role] : [role, Roles.Seller]);
        if (sellerId is { } seller)
        {
            // Named as resource servers read it (Authentication:Claims:Seller), like Caller.SellerId does.
            identity.SetClaim((names ?? new ClaimNames()).Seller, seller.ToString());
        }

        if (clientId is not null)
        {
            identity.SetClaim(Claims.ClientId, clientId);
        }

        identity.SetScopes(scopes.Where(scope => scope == Scopes.OfflineAccess));
        identity.SetResources(audience);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult Refuse(string description) =>
        Results.Forbid(Error(Errors.InvalidGrant, description), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static AuthenticationProperties Error(string error, string description) => new(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    });
}
