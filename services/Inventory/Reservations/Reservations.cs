using Commerce.Inventory.Contracts;
using Commerce.Inventory.Stock;

namespace Commerce.Inventory.Reservations;

/// <summary>Reservation lifetime settings, bound from Inventory:Reservations.</summary>
public sealed class ReservationOptions
{
    /// <summary>How long a reservation holds stock unless the request says otherwise.</summary>
    public TimeSpan DefaultLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the sweeper releases expired reservations.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    public bool SweeperEnabled { get; set; } = true;
}

internal static class Reservations
{
    public static Task<Reservation?> LoadAsync(InventoryDbContext db, string key, CancellationToken cancellationToken) =>
        db.Reservations.AsNoTracking().Include(r => r.Lines).FirstOrDefaultAsync(r => r.Key == key, cancellationToken);

    public static ReservationResponse ToResponse(this Reservation r) => new(r.Key, r.OrderId, r.Status, r.CreatedAt, r.ExpiresAt,
        [.. r.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal).ThenBy(l => l.Warehouse, StringComparer.Ordinal)
            .Select(l => new ReservationAllocation(l.Sku, l.Warehouse, l.Quantity))],
        r.Version,
        r.CommittedAt);

    /// <summary>
    /// Active → Committed, when the reservation's order is confirmed: from then on it never expires and holds its
    /// stock until it is fulfilled or released. Only a reservation still within its lifetime can be committed (one past
    /// ExpiresAt has lost its claim, swept yet or not), and the conditional UPDATE makes commit and expiry racing on
    /// one reservation end one way only. A repeated commit answers the committed reservation unchanged.
    /// </summary>
    public static async Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> CommitAsync(
        InventoryDbContext db, string key, DateTimeOffset now, ILogger logger, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var versions = await db.Database.SqlQuery<int>($"""
            UPDATE inventory.reservations SET status = 'Committed', committed_at = {now}, version = version + 1
            WHERE key = {key} AND status = 'Active' AND expires_at > {now}
            RETURNING version AS "Value"
            """).ToListAsync(cancellationToken);
        if (versions.Count == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            var current = await LoadAsync(db, key, cancellationToken);
            return current switch
            {
                null => Problems.NotFound($"No reservation with key {key}."),
                { Status: ReservationStatus.Committed } => TypedResults.Ok(current.ToResponse()),
                { Status: ReservationStatus.Active } => Problems.Conflict(
                    $"Reservation {key} expired at {current.ExpiresAt:O}; it can no longer be committed."),
                _ => Problems.Conflict($"Reservation {key} is {current.Status}; only an active reservation can be committed."),
            };
        }

        var reservation = (await LoadAsync(db, key, cancellationToken))!;
        db.AddEvent(new InventoryReservationCommitted(key, reservation.OrderId, reservation.ToResponse().Allocations), key, versions[0], now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Reservation {Key} (order {OrderId}) committed", key, reservation.OrderId);
        return TypedResults.Ok(reservation.ToResponse());
    }

    /// <summary>
    /// Active → Released / Expired / Fulfilled, Committed → Released / Fulfilled: the status flips with a conditional
    /// UPDATE, so release, fulfil and the sweeper racing on one reservation give it back exactly once. Only an
    /// uncommitted reservation expires. Repeating the same end is idempotent; a different end after the fact is a 409.
    /// </summary>
    public static async Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> EndAsync(
        InventoryDbContext db, string key, ReservationStatus target, DateTimeOffset now, ILogger logger, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var status = target.ToString();
        string[] endsFrom = target == ReservationStatus.Expired
            ? [nameof(ReservationStatus.Active)]
            : [nameof(ReservationStatus.Active), nameof(ReservationStatus.Committed)];
        var versions = await db.Database.SqlQuery<int>($"""
            UPDATE inventory.reservations SET status = {status}, version = version + 1
            WHERE key = {key} AND status = ANY({endsFrom})
            RETURNING version AS "Value"
            """).ToListAsync(cancellationToken);
        if (versions.Count == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            var current = await LoadAsync(db, key, cancellationToken);
            return current switch
            {
                null => Problems.NotFound($"No reservation with key {key}."),
                _ when current.Status == target => TypedResults.Ok(current.ToResponse()),
                // Releasing what already expired is the same outcome the caller wanted.
                { Status: ReservationStatus.Expired } when target == ReservationStatus.Released => TypedResults.Ok(current.ToResponse()),
                _ => Problems.Conflict($"Reservation {key} is {current.Status}; it cannot become {target}."),
            };
        }

        var lines = (await db.ReservationLines.AsNoTracking().Where(l => l.ReservationKey == key).ToListAsync(cancellationToken))
            .OrderBy(l => l.Sku, StringComparer.Ordinal).ThenBy(l => l.Warehouse, StringComparer.Ordinal).ToList();
        var fulfil = target == ReservationStatus.Fulfilled ? 1 : 0;
        var changes = new StockChanges(db, now);
        foreach (var line in lines)
        {
            var row = (await db.Database.SqlQuery<StockRow>($"""
                UPDATE inventory.stock_items
                SET reserved = reserved - {line.Quantity}, on_hand = on_hand - {line.Quantity * fulfil},
                    version = version + 1, updated_at = {now}
                WHERE sku = {line.Sku} AND warehouse = {line.Warehouse}
                RETURNING sku AS "Sku", warehouse AS "Warehouse", on_hand AS "OnHand", reserved AS "Reserved",
                    reorder_point AS "ReorderPoint", version AS "Version"
                """).ToListAsync(cancellationToken))[0];
            changes.Add(row, fulfil == 1 ? row.Available : row.Available - line.Quantity);
            if (fulfil == 1)
            {
                db.StockMovements.Add(new StockMovement
                {
                    Id = Guid.CreateVersion7(),
                    Sku = line.Sku,
                    Warehouse = line.Warehouse,
                    Kind = MovementKind.Fulfilment,
                    Quantity = -line.Quantity,
                    Reason = "Shipped",
                    Reference = key,
                    OccurredAt = now,
                });
            }
        }

        var reservation = await db.Reservations.AsNoTracking().FirstAsync(r => r.Key == key, cancellationToken);
        reservation.Lines.AddRange(lines);
        var allocations = reservation.ToResponse().Allocations;
        switch (target)
        {
            case ReservationStatus.Released:
                db.AddEvent(new InventoryReservationReleased(key, reservation.OrderId, allocations), key, versions[0], now);
                break;
            case ReservationStatus.Expired:
                db.AddEvent(new InventoryReservationExpired(key, reservation.OrderId, allocations), key, versions[0], now);
                break;
            case ReservationStatus.Fulfilled:
                db.AddEvent(new InventoryFulfilled(key, reservation.OrderId, allocations), key, versions[0], now);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(target), target, "A reservation ends released, expired or fulfilled.");
        }

        await changes.AddEventsAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Reservation {Key} (order {OrderId}) {Status}", key, reservation.OrderId, target);
        return TypedResults.Ok(reservation.ToResponse());
    }
}
