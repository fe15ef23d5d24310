namespace Commerce.Seller.Contracts;

/// <summary>Seller's HTTP API. Failures surface as <see cref="ApiException"/> carrying RFC 9457 problem details.</summary>
public interface ISellerApi
{
    /// <summary>Customers: the signed-in account becomes a seller (201); 409 when it already is one. Sign in again for a token with the seller's id.</summary>
    [Post("/sellers")]
    Task<SellerResponse> RegisterAsync([Body] RegisterSellerRequest request, CancellationToken cancellationToken = default);

    /// <summary>The caller's own seller profile (404 when the caller is no seller).</summary>
    [Get("/sellers/me")]
    Task<SellerResponse> GetMineAsync(CancellationToken cancellationToken = default);

    /// <summary>The seller itself and operators; 404 for another seller.</summary>
    [Get("/sellers/{id}")]
    Task<SellerResponse> GetAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Anyone: the seller's public face.</summary>
    [Get("/sellers/{id}/storefront")]
    Task<SellerStorefront> GetStorefrontAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Operators.</summary>
    [Get("/sellers")]
    Task<SellerPage> ListAsync(SellerStatus? status = null, int? page = null, int? pageSize = null, CancellationToken cancellationToken = default);

    [Put("/sellers/{id}")]
    Task<SellerResponse> UpdateAsync(Guid id, [Body] UpdateSellerRequest request, [Header("If-Match")] string? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>Operators. Idempotent.</summary>
    [Post("/sellers/{id}/suspend")]
    Task<SellerResponse> SuspendAsync(Guid id, [Body] SuspendSellerRequest request, CancellationToken cancellationToken = default);

    /// <summary>Operators. Idempotent.</summary>
    [Post("/sellers/{id}/reinstate")]
    Task<SellerResponse> ReinstateAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>The seller itself and operators: its products at or below their reorder point, as Inventory last reported.</summary>
    [Get("/sellers/{id}/low-stock")]
    Task<IReadOnlyList<LowStockItem>> GetLowStockAsync(Guid id, CancellationToken cancellationToken = default);
}
