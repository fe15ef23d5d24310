namespace Commerce.Customer.Contracts;

[JsonConverter(typeof(JsonStringEnumConverter<CustomerStatus>))]
public enum CustomerStatus
{
    Active,
    Suspended,
    Deleted,
}

/// <summary>Ordered from lowest to highest: an upgrade must move up.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MembershipLevel>))]
public enum MembershipLevel
{
    Standard,
    Silver,
    Gold,
    Platinum,
}

[JsonConverter(typeof(JsonStringEnumConverter<AddressKind>))]
public enum AddressKind
{
    Billing,
    Shipping,
}

[JsonConverter(typeof(JsonStringEnumConverter<NotificationChannel>))]
public enum NotificationChannel
{
    Email,
    Sms,
    Push,
}

/// <param name="Language">BCP 47 tag, e.g. "en" or "fr-CA".</param>
/// <param name="Currency">ISO 4217 code, e.g. "USD".</param>
/// <param name="NotificationChannels">Channels the customer accepts notifications on; empty means none.</param>
public sealed record CustomerPreferences(
    string Language,
    string Currency,
    [property: MaxLength(CustomerPreferences.MaxChannels)] IReadOnlyList<NotificationChannel> NotificationChannels)
{
    /// <summary>More than there are channels, so a list naming each once always fits.</summary>
    public const int MaxChannels = 10;
}

/// <param name="Country">ISO 3166-1 alpha-2 code, e.g. "US".</param>
public sealed record AddressInput(
    AddressKind Kind,
    string Recipient,
    string Line1,
    string City,
    string PostalCode,
    string Country,
    string? Line2 = null,
    string? Region = null,
    bool IsDefault = false);

public sealed record AddressResponse(
    Guid Id,
    AddressKind Kind,
    string Recipient,
    string Line1,
    string? Line2,
    string City,
    string? Region,
    string PostalCode,
    string Country,
    bool IsDefault);

/// <param name="Preferences">Defaults to English, USD and e-mail when omitted.</param>
/// <param name="Password">
/// What the customer signs in with (e-mail address and password, at /connect/token): 10 to 128 characters. Required
/// when customers register themselves; an operator registering a customer may leave it out (no sign-in then).
/// </param>
public sealed record RegisterCustomerRequest(
    string Name,
    string Email,
    string? Phone = null,
    CustomerPreferences? Preferences = null,
    [property: MaxLength(RegisterCustomerRequest.MaxAddresses)] IReadOnlyList<AddressInput>? Addresses = null,
    string? Password = null)
{
    /// <summary>Addresses a customer may have, at registration or later.</summary>
    public const int MaxAddresses = 20;
}

public sealed record UpdateCustomerProfileRequest(string Name, string Email, CustomerPreferences Preferences, string? Phone = null);

public sealed record UpgradeMembershipRequest(MembershipLevel Level);

public sealed record SuspendCustomerRequest(string Reason);

/// <summary>
/// A customer with the default billing and shipping addresses Order snapshots at submission (null when the
/// customer has none of that kind).
/// </summary>
public sealed record CustomerResponse(
    Guid Id,
    string Name,
    string Email,
    string? Phone,
    CustomerStatus Status,
    MembershipLevel Membership,
    CustomerPreferences Preferences,
    IReadOnlyList<AddressResponse> Addresses,
    AddressResponse? DefaultBillingAddress,
    AddressResponse? DefaultShippingAddress,
    int Version,
    IReadOnlyList<PurchaseTotalResponse>? Purchases = null,
    IReadOnlyList<SavedCardResponse>? PaymentMethods = null,
    IReadOnlyList<CouponUseResponse>? Coupons = null);

/// <summary>What the customer paid and got back in one currency, as Payment announced it (GET /customers/{id} only).</summary>
public sealed record PurchaseTotalResponse(string Currency, decimal Captured, decimal Refunded);

/// <summary>A card saved with Payment: only what may be shown.</summary>
public sealed record SavedCardResponse(Guid PaymentMethodId, string Brand, string Last4, int ExpiryMonth, int ExpiryYear);

[JsonConverter(typeof(JsonStringEnumConverter<CouponUseStatus>))]
public enum CouponUseStatus
{
    Applied,
    Released,
}

/// <summary>A coupon the customer used on an order, as Promotion announced it; Released when the use was given back.</summary>
public sealed record CouponUseResponse(string Code, Guid OrderId, CouponUseStatus Status);

/// <summary>A page of live customers in id order; <see cref="Next"/> is the <c>after</c> of the next page, null on the last.</summary>
public sealed record CustomerPage(IReadOnlyList<CustomerResponse> Items, Guid? Next);
