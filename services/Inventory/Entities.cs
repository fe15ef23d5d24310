using Commerce.Inventory.Contracts;

namespace Commerce.Inventory;

/// <summary>One SKU in one warehouse. Reserved never exceeds on hand (a CHECK constraint backs the code).</summary>
public sealed class StockItem
{
    public required string Sku { get; init; }

    public required string Warehouse { get; init; }

    public int OnHand { get; set; }

    public int Reserved { get; set; }

    public int ReorderPoint { get; set; }

    public int Version { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The audit trail of on-hand changes.</summary>
public sealed class StockMovement
{
    public required Guid Id { get; init; }

    public required string Sku { get; init; }

    public required string Warehouse { get; init; }

    public required MovementKind Kind { get; init; }

    /// <summary>Signed change of on hand.</summary>
    public required int Quantity { get; init; }

    public string? Reason { get; init; }

    public string? Reference { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }
}

public sealed class Reservation
{
    public required string Key { get; init; }

    public Guid? OrderId { get; init; }

    public ReservationStatus Status { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Applies while Active only: a committed reservation never expires.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? CommittedAt { get; set; }

    public int Version { get; set; }

    public List<ReservationLine> Lines { get; init; } = [];
}

public sealed class ReservationLine
{
    public required Guid Id { get; init; }

    public required string ReservationKey { get; init; }

    public required string Sku { get; init; }

    public required string Warehouse { get; init; }

    public required int Quantity { get; init; }
}
