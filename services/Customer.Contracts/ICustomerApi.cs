namespace Commerce.Customer.Contracts;

/// <summary>Customer's HTTP API. Failures surface as <see cref="ApiException"/> carrying RFC 9457 problem details.</summary>
public interface ICustomerApi
{
    /// <summary>Includes the default billing and shipping addresses; 404 for unknown or deleted customers.</summary>
    [Get("/customers/{id}")]
    Task<CustomerResponse> GetCustomerAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Every live customer, in pages: pass the previous page's <see cref="CustomerPage.Next"/> as <paramref name="after"/>.</summary>
    /// <param name="limit">Page size, 1 to 1000 (default 100).</param>
    [Get("/customers")]
    Task<CustomerPage> ListCustomersAsync(Guid? after = null, int? limit = null, CancellationToken cancellationToken = default);

    [Post("/customers")]
    Task<CustomerResponse> RegisterAsync([Body] RegisterCustomerRequest request, CancellationToken cancellationToken = default);

    /// <param name="ifMatch">Optional expected version (ETag, e.g. "3"); a mismatch is a 409.</param>
    [Put("/customers/{id}")]
    Task<CustomerResponse> UpdateProfileAsync(
        Guid id,
        [Body] UpdateCustomerProfileRequest request,
        [Header("If-Match")] string? ifMatch = null,
        CancellationToken cancellationToken = default);

    [Post("/customers/{id}/addresses")]
    Task<CustomerResponse> AddAddressAsync(
        Guid id,
        [Body] AddressInput request,
        [Header("If-Match")] string? ifMatch = null,
        CancellationToken cancellationToken = default);

    [Post("/customers/{id}/membership")]
    Task<CustomerResponse> UpgradeMembershipAsync(
        Guid id,
        [Body] UpgradeMembershipRequest request,
        [Header("If-Match")] string? ifMatch = null,
        CancellationToken cancellationToken = default);

    [Post("/customers/{id}/suspend")]
    Task<CustomerResponse> SuspendAsync(
        Guid id,
        [Body] SuspendCustomerRequest request,
        [Header("If-Match")] string? ifMatch = null,
        CancellationToken cancellationToken = default);

    [Delete("/customers/{id}")]
    Task DeleteAsync(Guid id, [Header("If-Match")] string? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>Starts a data-subject request (202): the customer's own, or an operator's for them.</summary>
    [Post("/customers/{id}/data-requests")]
    Task<DataRequestResponse> RequestDataAsync(Guid id, [Body] CreateDataRequest request, CancellationToken cancellationToken = default);

    [Get("/customers/{id}/data-requests/{requestId}")]
    Task<DataRequestResponse> GetDataRequestAsync(Guid id, Guid requestId, CancellationToken cancellationToken = default);

    /// <summary>The data-subject workflow records its outcome (its client only); a repeat changes nothing.</summary>
    [Post("/customers/{id}/data-requests/{requestId}/outcome")]
    Task<DataRequestResponse> RecordDataRequestOutcomeAsync(
        Guid id, Guid requestId, [Body] DataRequestOutcome outcome, CancellationToken cancellationToken = default);
}
