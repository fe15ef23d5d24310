namespace Commerce.Review.Contracts;

/// <summary>Review's HTTP API. Failures surface as <see cref="ApiException"/> carrying RFC 9457 problem details.</summary>
public interface IReviewApi
{
    /// <summary>
    /// Customers: 201 pending; 422 when the order is not the caller's delivered order holding the product, or the
    /// text is refused (card number, empty, too long); 409 when that purchase was reviewed already; 429 when flooding.
    /// </summary>
    [Post("/reviews")]
    Task<ReviewResponse> SubmitAsync([Body] SubmitReviewRequest request, CancellationToken cancellationToken = default);

    /// <summary>The author and operators (404 for anyone else).</summary>
    [Get("/reviews/{id}")]
    Task<ReviewResponse> GetAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>A customer's own reviews, every status.</summary>
    [Get("/reviews/customers/{customerId}")]
    Task<ReviewPage> ListForCustomerAsync(Guid customerId, int? page = null, int? pageSize = null, CancellationToken cancellationToken = default);

    /// <summary>Anyone: a product's approved reviews, newest first.</summary>
    [Get("/reviews/products/{productId}")]
    Task<PublishedReviewPage> ListForProductAsync(Guid productId, int? page = null, int? pageSize = null, CancellationToken cancellationToken = default);

    /// <summary>Anyone: the product's rating (zero counts when it has no approved review).</summary>
    [Get("/reviews/products/{productId}/rating")]
    Task<RatingSummary> GetRatingAsync(Guid productId, CancellationToken cancellationToken = default);

    /// <summary>Operators: the moderation queue, oldest first.</summary>
    [Get("/reviews/pending")]
    Task<ReviewPage> ListPendingAsync(int? page = null, int? pageSize = null, CancellationToken cancellationToken = default);

    /// <summary>Operators. Idempotent for an approved review; 409 for a rejected one.</summary>
    [Post("/reviews/{id}/approve")]
    Task<ReviewResponse> ApproveAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Operators. Idempotent for a rejected review; 409 for an approved one.</summary>
    [Post("/reviews/{id}/reject")]
    Task<ReviewResponse> RejectAsync(Guid id, [Body] RejectReviewRequest request, CancellationToken cancellationToken = default);

    /// <summary>The reviewed product's seller and operators, on an approved review.</summary>
    [Post("/reviews/{id}/replies")]
    Task<ReviewResponse> ReplyAsync(Guid id, [Body] ReplyRequest request, CancellationToken cancellationToken = default);
}
