namespace Commerce.Promotion.Contracts;

/// <summary>Promotion's HTTP API. Failures surface as <see cref="ApiException"/> carrying RFC 9457 problem details.</summary>
public interface IPromotionApi
{
    /// <summary>Operators. Scheduled until StartsAt (Active at once when StartsAt has passed).</summary>
    [Post("/promotions")]
    Task<PromotionResponse> CreatePromotionAsync([Body] CreatePromotionRequest request, CancellationToken cancellationToken = default);

    [Get("/promotions/{id}")]
    Task<PromotionResponse> GetPromotionAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Newest first; optionally one status.</summary>
    [Get("/promotions")]
    Task<PromotionPage> ListPromotionsAsync(PromotionStatus? status = null, CancellationToken cancellationToken = default);

    /// <summary>Ends the promotion now (PromotionExpired, status Deactivated). Idempotent.</summary>
    [Post("/promotions/{id}/deactivate")]
    Task<PromotionResponse> DeactivateAsync(Guid id, [Header("If-Match")] string? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>A coupon code for a promotion that requires one; 409 when the code exists.</summary>
    [Post("/promotions/{id}/coupons")]
    Task<CouponResponse> CreateCouponAsync(Guid id, [Body] CreateCouponRequest request, CancellationToken cancellationToken = default);

    [Get("/promotions/coupons/{code}")]
    Task<CouponResponse> GetCouponAsync(string code, CancellationToken cancellationToken = default);

    /// <summary>200 with the terms when usable; 422 (with the reason) when not: unknown, not active, not for this customer, used up.</summary>
    [Post("/promotions/coupons/validate")]
    Task<CouponValidation> ValidateCouponAsync([Body] ValidateCouponRequest request, CancellationToken cancellationToken = default);

    /// <summary>201 claimed, 200 repeat of the same key, 409 same key other details, 422 not usable (nothing claimed).</summary>
    [Post("/promotions/redemptions")]
    Task<RedemptionResponse> ClaimAsync([Body] ClaimCouponRequest request, CancellationToken cancellationToken = default);

    [Get("/promotions/redemptions/{key}")]
    Task<RedemptionResponse> GetRedemptionAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Gives the use back. Idempotent; 404 for a key never claimed.</summary>
    [Post("/promotions/redemptions/{key}/release")]
    Task<RedemptionResponse> ReleaseAsync(string key, CancellationToken cancellationToken = default);
}
