namespace Commerce.Order.Contracts;

/// <summary>
/// Order's HTTP API. Every transition is idempotent: asking for the state the order is already in returns it
/// (200) without a second event; an illegal transition is a 409. If-Match (a version) is optional everywhere.
/// Failures surface as <see cref="ApiException"/> carrying RFC 9457 problem details.
/// </summary>
public interface IOrderApi
{
    /// <param name="idempotencyKey">A repeat with the same key returns the order the first call created.</param>
    [Post("/orders")]
    Task<OrderResponse> CreateOrderAsync(
        [Body] CreateOrderRequest request,
        [Header("Idempotency-Key")] string? idempotencyKey = null,
        CancellationToken cancellationToken = default);

    [Get("/orders/{id}")]
    Task<OrderResponse> GetOrderAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Newest first; all filters optional; page is 1-based, pageSize at most 200.</summary>
    [Get("/orders")]
    Task<OrderPage> ListOrdersAsync(
        OrderStatus? status = null,
        Guid? customerId = null,
        int? page = null,
        int? pageSize = null,
        CancellationToken cancellationToken = default);

    /// <summary>Created → Submitted, snapshotting the billing and shipping addresses from Customer.</summary>
    [Post("/orders/{id}/submit")]
    Task<OrderResponse> SubmitAsync(
        Guid id,
        [Body] SubmitOrderRequest request,
        [Header("If-Match")] string? ifMatch = null,
        CancellationToken cancellationToken = default);

    [Post("/orders/{id}/confirm")]
    Task<OrderResponse> ConfirmAsync(
        Guid id,
        [Body] OrderTransitionRequest request,
        [Header("If-Match")] string? ifMatch = null,
        CancellationToken cancellationToken = default);

    [Post("/orders/{id}/ship")]
    Task<OrderResponse> ShipAsync(
        Guid id,
        [Body] OrderTransitionRequest request,
        [Header("If-Match")] string? ifMatch = null,
        CancellationToken cancellationToken = default);

    /// <summary>Shipped → Delivered (the order is complete).</summary>
    [Post("/orders/{id}/deliver")]
    Task<OrderResponse> DeliverAsync(
        Guid id,
        [Body] OrderTransitionRequest request,
        [Header("If-Match")] string? ifMatch = null,
        CancellationToken cancellationToken = default);

    [Post("/orders/{id}/cancel")]
    Task<OrderResponse> CancelAsync(
        Guid id,
        [Body] CancelOrderRequest request,
        [Header("If-Match")] string? ifMatch = null,
        CancellationToken cancellationToken = default);
}
