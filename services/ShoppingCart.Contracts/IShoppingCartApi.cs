namespace Commerce.ShoppingCart.Contracts;

/// <summary>
/// Shopping Cart's HTTP API: one cart per customer, addressed by the customer's id (another customer's answers 404).
/// Failures surface as <see cref="ApiException"/> carrying RFC 9457 problem details.
/// </summary>
public interface IShoppingCartApi
{
    /// <summary>The cart priced now; an empty cart when the customer has none.</summary>
    [Get("/carts/{customerId}")]
    Task<CartResponse> GetCartAsync(Guid customerId, CancellationToken cancellationToken = default);

    /// <summary>Adds the product or sets its quantity. 422 when the product is unknown or not active, or the cart is full.</summary>
    [Put("/carts/{customerId}/items/{productId}")]
    Task<CartResponse> SetItemAsync(
        Guid customerId,
        Guid productId,
        [Body] SetCartItemRequest request,
        [Header("If-Match")] string? ifMatch = null,
        CancellationToken cancellationToken = default);

    [Delete("/carts/{customerId}/items/{productId}")]
    Task<CartResponse> RemoveItemAsync(Guid customerId, Guid productId, [Header("If-Match")] string? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>Empties the cart (the cart itself goes).</summary>
    [Delete("/carts/{customerId}")]
    Task ClearAsync(Guid customerId, [Header("If-Match")] string? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>422 when the coupon is not usable for this cart now (Promotion's reason).</summary>
    [Put("/carts/{customerId}/coupon")]
    Task<CartResponse> ApplyCouponAsync(Guid customerId, [Body] ApplyCouponRequest request, CancellationToken cancellationToken = default);

    [Delete("/carts/{customerId}/coupon")]
    Task<CartResponse> RemoveCouponAsync(Guid customerId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Converts the cart into an order priced by a fresh quote and submits it (the order saga). The Idempotency-Key is
    /// required: a repeat answers with the same order and saga. 200 accepted, 202 pending, 422 rejected (the cart is
    /// kept), 409 while the cart is empty.
    /// </summary>
    [Post("/carts/{customerId}/checkout")]
    Task<IApiResponse<CartCheckoutResponse>> CheckoutAsync(
        Guid customerId,
        [Body] CheckoutCartRequest request,
        [Header("Idempotency-Key")] string idempotencyKey,
        CancellationToken cancellationToken = default);
}
