namespace Commerce.ShoppingCart.Contracts;

// Event payloads; aggregate id = cart id, version = the cart's version.

/// <summary>A product was added to a cart, or its quantity raised (→ Product: carts holding it; → Pricing: demand).</summary>
/// <param name="QuantityAdded">How many more units than the line held before.</param>
/// <param name="Quantity">The line's quantity now.</param>
public sealed record ItemAddedToCart(Guid CartId, Guid CustomerId, Guid ProductId, int QuantityAdded, int Quantity);

/// <summary>A cart with items was left idle past the abandonment time; published once per idle spell.</summary>
public sealed record CartAbandoned(
    Guid CartId,
    Guid CustomerId,
    int ItemCount,
    decimal Subtotal,
    string Currency,
    DateTimeOffset LastActivityAt);

public sealed record ConvertedLine(Guid ProductId, int Quantity);

/// <summary>The cart became an order (→ Order); the cart is deleted with this event.</summary>
public sealed record CartConvertedToOrder(Guid CartId, Guid CustomerId, Guid OrderId, IReadOnlyList<ConvertedLine> Lines, string? CouponCode);

/// <summary>A cart idle for the expiry time (7 days) was deleted.</summary>
public sealed record CartExpired(Guid CartId, Guid CustomerId);
