namespace Commerce.Product.Contracts;

// Event payloads. The envelope (event id, type, aggregate id = product id, aggregate version, occurred-at)
// travels beside them; the version orders a product's events for subscribers that cache them.

/// <summary>
/// What subscribers cache of a product, whole, as of the event's aggregate version. Every product event carries it,
/// so a cache that keeps the state of the newest version it has seen is the product's latest state whatever order
/// the events arrive in. Null only in events written before it existed (subscribers then ask Product's API).
/// </summary>
/// <param name="SellerId">The seller who sells it; null for the shop's own products.</param>
public sealed record ProductState(string Sku, string Name, string Category, decimal Price, string Currency, ProductStatus Status, Guid? SellerId = null);

/// <summary>A new product; its fields are its whole state (status Active).</summary>
public sealed record ProductCreated(
    Guid ProductId,
    string Sku,
    string Name,
    string Category,
    decimal Price,
    string Currency,
    Guid? SellerId = null);

public sealed record ProductUpdated(Guid ProductId, string Sku, string Name, string Description, string Category, ProductState? State = null);

public sealed record ProductPriceChanged(Guid ProductId, string Sku, decimal OldPrice, decimal NewPrice, string Currency, ProductState? State = null);

public sealed record ProductDiscontinued(Guid ProductId, string Sku, ProductState? State = null);
