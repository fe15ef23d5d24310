namespace Commerce.Product.Contracts;

/// <summary>Product's HTTP API. Failures surface as <see cref="ApiException"/> carrying RFC 9457 problem details.</summary>
public interface IProductApi
{
    /// <summary>What Order snapshots at order creation: sku, name, price, currency, status.</summary>
    [Get("/products/{id}")]
    Task<ProductResponse> GetProductAsync(Guid id, CancellationToken cancellationToken = default);

    [Get("/products")]
    Task<ProductPage> SearchProductsAsync([Query] ProductSearch search, CancellationToken cancellationToken = default);

    [Post("/products")]
    Task<ProductResponse> CreateProductAsync([Body] CreateProductRequest request, CancellationToken cancellationToken = default);

    /// <param name="ifMatch">Optional expected version (ETag, e.g. "3"); a mismatch is a 409.</param>
    [Put("/products/{id}")]
    Task<ProductResponse> UpdateProductAsync(
        Guid id,
        [Body] UpdateProductRequest request,
        [Header("If-Match")] string? ifMatch = null,
        CancellationToken cancellationToken = default);

    [Put("/products/{id}/price")]
    Task<ProductResponse> ChangePriceAsync(
        Guid id,
        [Body] ChangePriceRequest request,
        [Header("If-Match")] string? ifMatch = null,
        CancellationToken cancellationToken = default);

    [Post("/products/{id}/discontinue")]
    Task<ProductResponse> DiscontinueAsync(
        Guid id,
        [Header("If-Match")] string? ifMatch = null,
        CancellationToken cancellationToken = default);
}
