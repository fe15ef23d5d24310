namespace Commerce.Payment.Contracts;

/// <summary>
/// Payment's HTTP API. Declines are 422 problem details (don't retry); gateway errors, timeouts and outages are
/// 503 (retry with the same idempotency key). Both surface as <see cref="ApiException"/>.
/// </summary>
public interface IPaymentApi
{
    [Post("/payments/methods")]
    Task<PaymentMethodResponse> AddPaymentMethodAsync([Body] AddPaymentMethodRequest request, CancellationToken cancellationToken = default);

    [Get("/payments/methods/{id}")]
    Task<PaymentMethodResponse> GetPaymentMethodAsync(Guid id, CancellationToken cancellationToken = default);

    [Get("/payments/methods")]
    Task<IReadOnlyList<PaymentMethodResponse>> ListPaymentMethodsAsync(Guid customerId, CancellationToken cancellationToken = default);

    [Delete("/payments/methods/{id}")]
    Task RemovePaymentMethodAsync(Guid id, CancellationToken cancellationToken = default);

    [Post("/payments/authorizations")]
    Task<PaymentResponse> AuthorizeAsync(
        [Body] AuthorizePaymentRequest request,
        [Header("Idempotency-Key")] string idempotencyKey,
        CancellationToken cancellationToken = default);

    [Post("/payments/{id}/capture")]
    Task<PaymentResponse> CaptureAsync(
        Guid id,
        [Body] CapturePaymentRequest request,
        [Header("Idempotency-Key")] string idempotencyKey,
        CancellationToken cancellationToken = default);

    [Post("/payments/{id}/void")]
    Task<PaymentResponse> VoidAsync(
        Guid id,
        [Header("Idempotency-Key")] string idempotencyKey,
        CancellationToken cancellationToken = default);

    [Post("/payments/{id}/refunds")]
    Task<PaymentResponse> RefundAsync(
        Guid id,
        [Body] RefundPaymentRequest request,
        [Header("Idempotency-Key")] string idempotencyKey,
        CancellationToken cancellationToken = default);

    [Get("/payments/{id}")]
    Task<PaymentResponse> GetPaymentAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>The payments of an order, newest first.</summary>
    [Get("/payments")]
    Task<IReadOnlyList<PaymentResponse>> ListPaymentsAsync(Guid orderId, CancellationToken cancellationToken = default);

    /// <summary>Operator switch: makes the simulated gateway fail every call as an outage (503).</summary>
    [Post("/payments/gateway/outage")]
    Task<GatewayOutageResponse> SetGatewayOutageAsync([Body] GatewayOutageRequest request, CancellationToken cancellationToken = default);
}
