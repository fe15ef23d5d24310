namespace Commerce.Customer.Contracts;

// Event payloads; the envelope carries event id, type, aggregate id (= customer id), aggregate version and
// occurred-at. Subscribers caching a customer ignore versions older than the one they hold.

/// <param name="Addresses">The addresses given at registration (later ones come as <see cref="CustomerAddressAdded"/>);
/// null in events published before registrations announced them.</param>
public sealed record CustomerRegistered(
    Guid CustomerId,
    string Name,
    string Email,
    string? Phone,
    MembershipLevel Membership,
    CustomerPreferences Preferences,
    IReadOnlyList<AddressResponse>? Addresses = null);

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

/// <summary>
/// A data-subject request was made (the customer's, or an operator's for them): the data-subject workflow starts for it
/// (aggregate = the request, version 1). Names the customer by id only.
/// </summary>
public sealed record DataSubjectRequested(Guid RequestId, Guid CustomerId, DataRequestKind Kind);
