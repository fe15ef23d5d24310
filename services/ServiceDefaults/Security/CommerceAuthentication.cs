using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Commerce.ServiceDefaults.Security;

/// <summary>
/// Every API is an OAuth 2.0 resource server: JWT access tokens validated by JwtBearer against the issuer's
/// discovery document and keys (<c>Authentication:Authority</c>, by default the token server embedded in Customer),
/// for <c>Authentication:Audience</c>. Pointing both at Keycloak, Entra ID or Auth0 swaps the token server; the
/// claim names that differ between providers are settings too (<see cref="AuthenticationSettings"/>).
/// </summary>
public static class CommerceAuthentication
{
    public static IHostApplicationBuilder AddCommerceAuthentication(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var section = builder.Configuration.GetSection(AuthenticationSettings.Section);
        services.Configure<AuthenticationSettings>(section);
        var settings = section.Get<AuthenticationSettings>() ?? new AuthenticationSettings();
        var development = builder.Environment.IsDevelopment();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<ServiceAddresses>((options, addresses) =>
            {
                // Resolved when the first token arrives, after the server listens: a co-hosted token server's
                // address is this host's own, known only then.
                options.Authority = settings.Authority ?? addresses.For(AuthenticationSettings.TokenServerContext).ToString();
                options.Audience = settings.Audience;
                options.RequireHttpsMetadata = settings.RequireHttpsMetadata ?? !development;
                // Claims keep their JWT names (sub, role, client_id): no mapping to long WS-* URIs.
                options.MapInboundClaims = false;
                options.TokenValidationParameters.NameClaimType = settings.Claims.Subject;
                options.TokenValidationParameters.RoleClaimType = settings.Claims.Role;
                // Expiry is exact: a token is refused the moment it expires (the default allows five minutes more).
                options.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(settings.ClockSkewSeconds);
                options.TokenValidationParameters.ValidateIssuer = true;
                options.TokenValidationParameters.ValidateAudience = true;
                options.TokenValidationParameters.ValidateLifetime = true;
                options.TokenValidationParameters.RequireSignedTokens = true;
                options.TokenValidationParameters.RequireExpirationTime = true;
            });

        // No fallback policy: every route declares its own where it is mapped, and tests/Architecture.Tests'
        // EndpointPolicyTests fails on one that does not; a path no route matches stays a plain 404.
        services.AddAuthorization();
        services.AddSingleton<IAuthorizationHandler, CallerRequirementHandler>();
        services.AddSingleton<ServiceTokens>();
        services.AddHttpContextAccessor();
        return builder;
    }
}

/// <summary>
/// <c>Authentication:*</c>: where tokens come from and what their claims are called. The defaults fit the embedded
/// token server; an external provider needs <see cref="Authority"/>, <see cref="Audience"/> and, where its claim
/// names differ, <see cref="Claims"/>.
/// </summary>
public sealed class AuthenticationSettings
{
    public const string Section = "Authentication";

    /// <summary>The context whose address is the default authority: it owns the credentials.</summary>
    public const string TokenServerContext = "Customer";

    /// <summary>The audience of every Commerce API (one resource server, many routes).</summary>
    public const string DefaultAudience = "commerce";

    /// <summary>The issuer's base address (its /.well-known/openid-configuration); default: Customer's address.</summary>
    public string? Authority { get; set; }

    public string Audience { get; set; } = DefaultAudience;

    /// <summary>Default: required outside Development.</summary>
    public bool? RequireHttpsMetadata { get; set; }

    public int ClockSkewSeconds { get; set; }

    public ClaimNames Claims { get; set; } = new();

    /// <summary>
    /// Client credentials, by client id: each process uses its own (the saga worker "sagaworker", a context's event
    /// dispatcher and its calls to other owners the context's name in lowercase) to get its tokens; the embedded
    /// token server registers them all.
    /// </summary>
    public Dictionary<string, ClientSettings> Clients { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>Claim names: JWT's and OpenIddict's by default; Keycloak puts roles elsewhere, Entra ID the client in <c>azp</c>.</summary>
public sealed class ClaimNames
{
    /// <summary>The subject: a customer's id for a customer's token, the client id for a client's.</summary>
    public string Subject { get; set; } = "sub";

    public string Role { get; set; } = "role";

    public string ClientId { get; set; } = "client_id";

    /// <summary>The seller a customer account manages (with role <see cref="Roles.Seller"/>).</summary>
    public string Seller { get; set; } = "seller_id";
}

public sealed class ClientSettings
{
    public string? Secret { get; set; }

    /// <summary><see cref="Roles.Service"/> (default) or <see cref="Roles.Operator"/>.</summary>
    public string Role { get; set; } = Roles.Service;
}

/// <summary>The role claim's values.</summary>
public static class Roles
{
    public const string Customer = "customer";
    public const string Operator = "operator";
    public const string Service = "service";

    /// <summary>A customer account that manages a seller: alongside <see cref="Customer"/>, with the seller's id in its own claim.</summary>
    public const string Seller = "seller";
}

/// <summary>The client ids of the system's own processes.</summary>
public static class Clients
{
    public const string SagaWorker = "sagaworker";

    /// <summary>The data-subject workflow's worker: the only caller of every context's /ops/{context}/subjects routes.</summary>
    public const string DataSubjects = "datasubjects";

    /// <summary>The operators' client (the CLI, curl in the README walk-through); more may be configured with role operator.</summary>
    public const string Operator = "operator";

    /// <summary>The storefront's public client (no secret): customers sign in through it.</summary>
    public const string Storefront = "storefront";

    /// <summary>A context's own client: its event dispatcher and its calls to other owners.</summary>
    public static string For(string context) => context.ToLowerInvariant();
}

/// <summary>Who is calling, read off the validated token's claims.</summary>
public sealed record Caller(string? Subject, string? ClientId, IReadOnlySet<string> Roles, string? SellerClaim = null)
{
    public bool IsOperator => Roles.Contains(Security.Roles.Operator);

    public bool IsCustomer => Roles.Contains(Security.Roles.Customer);

    /// <summary>The signed-in customer's id, when the caller is a customer.</summary>
    public Guid? CustomerId => IsCustomer && Guid.TryParse(Subject, out var id) ? id : null;

    /// <summary>The seller the signed-in account manages, when it is a seller's.</summary>
    public Guid? SellerId => Roles.Contains(Security.Roles.Seller) && Guid.TryParse(SellerClaim, out var id) ? id : null;

    /// <summary>
    /// May manage what belongs to <paramref name="sellerId"/>: that seller's account, or an operator. Callers get 404
    /// otherwise, so another seller's ids cannot be probed.
    /// </summary>
    public bool MayActForSeller(Guid sellerId) => IsOperator || SellerId == sellerId;

    public bool IsClient(string clientId) => string.Equals(ClientId, clientId, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// May read or change what belongs to <paramref name="customerId"/>: the customer themself, or an operator.
    /// Callers get 404 otherwise, so another customer's ids cannot be probed.
    /// </summary>
    public bool MayActFor(Guid customerId) => IsOperator || CustomerId == customerId;

    /// <summary>Lets an endpoint take the caller as a parameter.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var names = context.RequestServices.GetRequiredService<IOptions<AuthenticationSettings>>().Value.Claims;
        return ValueTask.FromResult<Caller?>(From(context.User, names));
    }

    public static Caller From(ClaimsPrincipal user, ClaimNames names)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(names);
        return new Caller(
            user.FindFirst(names.Subject)?.Value,
            user.FindFirst(names.ClientId)?.Value,
            user.FindAll(names.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
            user.FindFirst(names.Seller)?.Value);
    }
}
