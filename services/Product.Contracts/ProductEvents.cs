namespace Commerce.Product.Contracts;

// Event payloads. The envelope (event id, type, aggregate id = product id, aggregate version, occurred-at)
// travels beside them; the version orders a product's events for subscribers that cache them.

public sealed record ProductCreated(
    Guid ProductId,
    string Sku,
    string Name,
    string Category,
    decimal Price,
    string Currency);

public sealed record ProductUpdated(Guid ProductId, string Sku, string Name, string Description, string Category);

public sealed record ProductPriceChanged(Guid ProductId, string Sku, decimal OldPrice, decimal NewPrice, string Currency);

public sealed record ProductDiscontinued(Guid ProductId, string Sku);
