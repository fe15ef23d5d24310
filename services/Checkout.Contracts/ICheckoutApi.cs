namespace Commerce.Checkout.Contracts;

/// <summary>
/// The order process's front door. Creating an order is Order's (<c>POST /orders</c>); submitting, following and
/// cancelling it go through the saga here. Failures surface as <see cref="ApiException"/> with problem details.
/// </summary>
public interface ICheckoutApi
{
    /// <summary>Starts the saga (once per order; a repeat answers from the same saga). 200 accepted, 202 pending, 422 rejected.</summary>
    [Post("/checkout/orders/{orderId}/submit")]
    Task<IApiResponse<SubmissionResponse>> SubmitAsync(Guid orderId, [Body] SubmitCheckoutRequest request, CancellationToken cancellationToken = default);

    [Get("/checkout/orders/{orderId}")]
    Task<CheckoutOrderResponse> GetAsync(Guid orderId, CancellationToken cancellationToken = default);

    /// <summary>Until the order ships: compensates (void or refund, release stock) and cancels. 202; 409 once shipped.</summary>
    [Post("/checkout/orders/{orderId}/cancel")]
    Task<CheckoutOrderResponse> CancelAsync(Guid orderId, [Body] CancelCheckoutRequest request, CancellationToken cancellationToken = default);

    /// <summary>Operator retry of a parked step. 409 when the order is not waiting for an operator.</summary>
    [Post("/checkout/orders/{orderId}/retry")]
    Task<SagaView> RetryAsync(Guid orderId, CancellationToken cancellationToken = default);

    [Get("/checkout/orders")]
    Task<SagaSummaryPage> ListAsync(string? stage = null, bool? needsAttention = null, int? limit = null, CancellationToken cancellationToken = default);
}
