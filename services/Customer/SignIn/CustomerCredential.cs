using Microsoft.AspNetCore.Identity;

namespace Commerce.Customer.SignIn;

/// <summary>
/// A customer's password (hashed by ASP.NET Core Identity) and lockout state. Its id is the customer's; customers
/// sign in with their profile's e-mail address, so the credential follows e-mail changes without copying it.
/// </summary>
public sealed class CustomerCredential : IdentityUser<Guid>;
