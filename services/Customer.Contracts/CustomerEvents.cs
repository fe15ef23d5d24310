namespace Commerce.Customer.Contracts;

// Event payloads; the envelope carries event id, type, aggregate id (= customer id), aggregate version and
// occurred-at. Subscribers caching a customer ignore versions older than the one they hold.

public sealed record CustomerRegistered(
    Guid CustomerId,
    string Name,
    string Email,
    string? Phone,
    MembershipLevel Membership,
    CustomerPreferences Preferences);

public sealed record CustomerProfileUpdated(
    Guid CustomerId,
    string Name,
    string Email,
    string? Phone,
    CustomerPreferences Preferences);

public sealed record CustomerAddressAdded(Guid CustomerId, AddressResponse Address);

public sealed record CustomerMembershipUpgraded(Guid CustomerId, MembershipLevel From, MembershipLevel To);

public sealed record CustomerSuspended(Guid CustomerId, string Reason);

/// <summary>Soft delete: subscribers should drop what they cache about the customer.</summary>
public sealed record CustomerDeleted(Guid CustomerId);
