namespace Commerce.Pricing.Contracts;

/// <summary>Pricing's HTTP API. Failures surface as <see cref="ApiException"/> carrying RFC 9457 problem details.</summary>
public interface IPricingApi
{
    /// <summary>
    /// 201 with the quote. 422 when a product is unknown or not active, the products are priced in more than one
    /// currency, or the coupon is not usable (Promotion's reason); 503 when Promotion cannot check the coupon.
    /// </summary>
    [Post("/pricing/quotes")]
    Task<QuoteResponse> CreateQuoteAsync([Body] CreateQuoteRequest request, CancellationToken cancellationToken = default);

    /// <summary>A quote as it was made (also once expired: ExpiresAt says whether it may still be used).</summary>
    [Get("/pricing/quotes/{id}")]
    Task<QuoteResponse> GetQuoteAsync(Guid id, CancellationToken cancellationToken = default);

    [Post("/pricing/rules")]
    Task<PricingRuleResponse> CreateRuleAsync([Body] PricingRuleRequest request, CancellationToken cancellationToken = default);

    [Get("/pricing/rules")]
    Task<PricingRulePage> ListRulesAsync(bool? includeRetired = null, CancellationToken cancellationToken = default);

    [Get("/pricing/rules/{id}")]
    Task<PricingRuleResponse> GetRuleAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>The rule stops applying (idempotent).</summary>
    [Post("/pricing/rules/{id}/retire")]
    Task<PricingRuleResponse> RetireRuleAsync(Guid id, [Header("If-Match")] string? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>Operators: the demand ShoppingCart's events showed for a product; 404 when no cart ever added it.</summary>
    [Get("/pricing/demand/{productId}")]
    Task<ProductDemandResponse> GetDemandAsync(Guid productId, CancellationToken cancellationToken = default);
}
