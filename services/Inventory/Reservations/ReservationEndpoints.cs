using Commerce.Inventory.Contracts;
using Commerce.Inventory.Stock;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Inventory.Reservations;

internal static class ReservationEndpoints
{
    public static void MapReservations(this RouteGroupBuilder inventory)
    {
        var reservations = inventory.MapGroup("/reservations");
        // A reservation is the order saga's: only its worker (and operators resolving a stuck order) makes or moves one,
        // so no one else can claim an order's predictable key first or release another order's stock. Reading one is an
        // operator's tool.
        reservations.MapPost("/", ReserveAsync).RequireAuthorization(Access.SagaWorker).ProducesProblems(409, 422);
        reservations.MapGet("/{key}", GetAsync).RequireAuthorization(Access.Operators).ProducesProblems(404);
        reservations.MapPost("/{key}/commit", async Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> (
                string key, InventoryDbContext db, TimeProvider time, ILogger<InventoryDbContext> logger, CancellationToken ct) =>
            await Reservations.CommitAsync(db, key, time.GetUtcNow(), logger, ct))
            .RequireAuthorization(Access.SagaWorker).ProducesProblems(404, 409);
        reservations.MapPost("/{key}/release", async Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> (
                string key, InventoryDbContext db, TimeProvider time, ILogger<InventoryDbContext> logger, CancellationToken ct) =>
            await Reservations.EndAsync(db, key, ReservationStatus.Released, time.GetUtcNow(), logger, ct))
            .RequireAuthorization(Access.SagaWorker).ProducesProblems(404, 409);
        reservations.MapPost("/{key}/fulfil", async Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> (
                string key, InventoryDbContext db, TimeProvider time, ILogger<InventoryDbContext> logger, CancellationToken ct) =>
            await Reservations.EndAsync(db, key, ReservationStatus.Fulfilled, time.GetUtcNow(), logger, ct))
            .RequireAuthorization(Access.SagaWorker).ProducesProblems(404, 409);
    }

    private static async Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> GetAsync(
        string key, InventoryDbContext db, CancellationToken cancellationToken)
    {
        var reservation = await Reservations.LoadAsync(db, key, cancellationToken);
        return reservation is null
            ? Problems.NotFound($"No reservation with key {key}.")
            : TypedResults.Ok(reservation.ToResponse());
    }

    private static async Task<Results<Created<ReservationResponse>, Ok<ReservationResponse>, ValidationProblem, ProblemHttpResult>> ReserveAsync(
        ReserveStockRequest request, InventoryDbContext db, TimeProvider time, IOptions<ReservationOptions> options,
        ILogger<InventoryDbContext> logger, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors()
            .Code(request.Key, "key", InventoryLimits.Key)
            .Check(request.Lines.Count is > 0 and <= InventoryLimits.MaxLines, "lines", $"Between 1 and {InventoryLimits.MaxLines} lines.")
            .Check(request.ExpiresInSeconds is null or (> 0 and <= 86_400), "expiresInSeconds", "Between 1 and 86400.");
        for (var i = 0; i < request.Lines.Count; i++)
        {
            errors.Code(request.Lines[i].Sku, $"lines[{i}].sku", InventoryLimits.Sku)
                .Check(request.Lines[i].Quantity is > 0 and <= InventoryLimits.MaxQuantity, $"lines[{i}].quantity",
                    $"Between 1 and {InventoryLimits.MaxQuantity}.");
        }

        errors.Check(request.Lines.Select(l => l.Sku).Distinct(StringComparer.Ordinal).Count() == request.Lines.Count, "lines",
            "Each SKU at most once.");
        if (errors.Any)
        {
            return errors.Problem();
        }

        var existing = await Reservations.LoadAsync(db, request.Key, cancellationToken);
        if (existing is not null)
        {
            return Repeat(existing, request);
        }

        var now = time.GetUtcNow();
        var expiresAt = now + (request.ExpiresInSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : options.Value.DefaultLifetime);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // The key row first: a concurrent request with the same key waits here for this one to commit or roll back.
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO inventory.reservations (key, order_id, status, created_at, expires_at, version)
            VALUES ({request.Key}, {request.OrderId}, 'Active', {now}, {expiresAt}, 1)
            ON CONFLICT (key) DO NOTHING
            """, cancellationToken);
        if (inserted == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            existing = await Reservations.LoadAsync(db, request.Key, cancellationToken);
            return existing is null ? Problems.Conflict("A concurrent request with this key failed; retry.") : Repeat(existing, request);
        }

        var changes = new StockChanges(db, now);
        var allocations = new List<ReservationAllocation>();

        // Rows are always locked in (sku, warehouse) order, here and in release/fulfil/expiry: no deadlocks.
        foreach (var line in request.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal))
        {
            var warehouses = (await db.StockItems.AsNoTracking().Where(s => s.Sku == line.Sku).Select(s => s.Warehouse)
                .ToListAsync(cancellationToken)).Order(StringComparer.Ordinal);
            var remaining = line.Quantity;
            foreach (var warehouse in warehouses)
            {
                if (remaining == 0)
                {
                    break;
                }

                // Lock the row, take what it can give, and only then add it to reserved — guarded again by
                // on_hand - reserved >= take, so two transactions can never both take the last units.
                var taken = await db.Database.SqlQuery<TakeRow>($"""
                    WITH target AS (
                        SELECT sku, warehouse, LEAST({remaining}, on_hand - reserved) AS take
                        FROM inventory.stock_items WHERE sku = {line.Sku} AND warehouse = {warehouse}
                        FOR UPDATE)
                    UPDATE inventory.stock_items s
                    SET reserved = s.reserved + t.take, version = s.version + 1, updated_at = {now}
                    FROM target t
                    WHERE s.sku = t.sku AND s.warehouse = t.warehouse AND t.take > 0 AND s.on_hand - s.reserved >= t.take
                    RETURNING t.take AS "Take", s.sku AS "Sku", s.warehouse AS "Warehouse", s.on_hand AS "OnHand",
                        s.reserved AS "Reserved", s.reorder_point AS "ReorderPoint", s.version AS "Version"
                    """).ToListAsync(cancellationToken);
                if (taken.Count == 0)
                {
                    continue;
                }

                var take = taken[0];
                remaining -= take.Take;
                allocations.Add(new ReservationAllocation(line.Sku, warehouse, take.Take));
                var row = take.ToStockRow();
                changes.Add(row, row.Available + take.Take);
            }

            if (remaining > 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                logger.LogInformation("Reservation {Key} rejected: {Sku} short by {Missing} of {Requested}",
                    request.Key, line.Sku, remaining, line.Quantity);
                return Problems.Unprocessable(
                    $"Not enough stock of {line.Sku}: requested {line.Quantity}, available {line.Quantity - remaining}. Nothing was reserved.",
                    "Insufficient stock");
            }
        }

        db.ReservationLines.AddRange(allocations.Select(a => new ReservationLine
        {
            Id = Guid.CreateVersion7(),
            ReservationKey = request.Key,
            Sku = a.Sku,
            Warehouse = a.Warehouse,
            Quantity = a.Quantity,
        }));
        db.AddEvent(new InventoryReserved(request.Key, request.OrderId, allocations, expiresAt), request.Key, 1, now);
        await changes.AddEventsAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Reserved {Key} for order {OrderId}: {LineCount} line(s) until {ExpiresAt}",
            request.Key, request.OrderId, request.Lines.Count, expiresAt);

        var response = new ReservationResponse(request.Key, request.OrderId, ReservationStatus.Active, now, expiresAt, allocations, 1);
        return TypedResults.Created($"/inventory/reservations/{Uri.EscapeDataString(request.Key)}", response);
    }

    /// <summary>The same key again: the original result when it asked for the same thing, else 409.</summary>
    private static Results<Created<ReservationResponse>, Ok<ReservationResponse>, ValidationProblem, ProblemHttpResult> Repeat(
        Reservation existing, ReserveStockRequest request)
    {
        var reserved = existing.Lines.GroupBy(l => l.Sku, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity), StringComparer.Ordinal);
        var same = existing.OrderId == request.OrderId
                   && reserved.Count == request.Lines.Count
                   && request.Lines.All(l => reserved.TryGetValue(l.Sku, out var quantity) && quantity == l.Quantity);
        return same
            ? TypedResults.Ok(existing.ToResponse())
            : Problems.Conflict($"Reservation key {request.Key} was already used for different lines or another order.");
    }

    private sealed record TakeRow(int Take, string Sku, string Warehouse, int OnHand, int Reserved, int ReorderPoint, int Version)
    {
        public StockRow ToStockRow() => new(Sku, Warehouse, OnHand, Reserved, ReorderPoint, Version);
    }
}
