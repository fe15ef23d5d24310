using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Commerce.ServiceDefaults.Security;

/// <summary>
/// The authorization policies routes declare where they are mapped (<c>.RequireAuthorization(Access.Operators)</c>,
/// or <c>.AllowAnonymous()</c> for what a shop shows to everyone), so the policy of every endpoint is read off the
/// code, and a test fails on a route that declares none.
/// </summary>
public static class Access
{
    /// <summary>A signed-in customer (the endpoint then answers 404 for what is not theirs) or an operator (audited).</summary>
    public static AuthorizationPolicy Customers { get; } = Policy([Roles.Customer, Roles.Operator], []);

    /// <summary>
    /// <see cref="Customers"/>, and the named clients too: an owner's route a customer uses for their own data and a
    /// service (the saga worker, another context) for any customer's. The endpoint answers 404 to a customer for what
    /// is not theirs; the clients act for every customer.
    /// </summary>
    public static AuthorizationPolicy CustomersAnd(params string[] clientIds) => Policy([Roles.Customer, Roles.Operator], clientIds);

    /// <summary>A seller's account (the endpoint then answers 404 for another seller's things) or an operator (audited).</summary>
    public static AuthorizationPolicy Sellers { get; } = Policy([Roles.Seller, Roles.Operator], []);

    /// <summary>Operators only: ops tools, dead letters, stuck orders, every customer's data.</summary>
    public static AuthorizationPolicy Operators { get; } = Policy([Roles.Operator], []);

    /// <summary>Only the named clients (service identities); operators too when <paramref name="andOperators"/>.</summary>
    public static AuthorizationPolicy ClientsOnly(bool andOperators, params string[] clientIds) =>
        Policy(andOperators ? [Roles.Operator] : [], clientIds);

    /// <summary>The owner state changes the order saga makes: only its worker, and operators resolving a stuck order.</summary>
    public static AuthorizationPolicy SagaWorker { get; } = Policy([Roles.Operator], [Clients.SagaWorker]);

    /// <summary>
    /// Every context's export and erasure of a customer's personal data: only the data-subject workflow's worker, which
    /// Customer starts for the customer or an operator (so each request is Customer's, audited there, and every context
    /// is reached in one process with retries and a report). Not operators directly: an erasure of one context alone
    /// would leave the others holding the data with nobody tracking it.
    /// </summary>
    public static AuthorizationPolicy DataSubjects { get; } = Policy([], [Clients.DataSubjects]);

    /// <summary>Any of the system's own services (event deliveries: the inbox then checks the publisher is the caller).</summary>
    public static AuthorizationPolicy Services { get; } = Policy([Roles.Service], []);

    private static AuthorizationPolicy Policy(string[] roles, string[] clientIds) =>
        new AuthorizationPolicyBuilder().RequireAuthenticatedUser().AddRequirements(new CallerRequirement(roles, clientIds)).Build();
}

/// <summary>Met by a caller holding one of <see cref="Roles"/> or authenticated as one of <see cref="ClientIds"/>.</summary>
public sealed record CallerRequirement(IReadOnlyList<string> Roles, IReadOnlyList<string> ClientIds) : IAuthorizationRequirement;

internal sealed class CallerRequirementHandler(IOptions<AuthenticationSettings> settings) : AuthorizationHandler<CallerRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CallerRequirement requirement)
    {
        var caller = Caller.From(context.User, settings.Value.Claims);
        if (requirement.Roles.Any(caller.Roles.Contains) || requirement.ClientIds.Any(caller.IsClient))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
