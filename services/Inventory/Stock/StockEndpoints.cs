using System.Text.RegularExpressions;
using Commerce.Inventory.Contracts;
using Commerce.Inventory.Products;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Inventory.Stock;

internal static partial class StockEndpoints
{
    public static void MapStock(this RouteGroupBuilder inventory)
    {
        var stock = inventory.MapGroup("/stock");
        // Product reads the figures to rebuild its availability cache; shoppers see availability through Product only.
        stock.MapGet("/{sku}", GetStockAsync).RequireAuthorization(Access.ClientsOnly(andOperators: true, Clients.For("Product")))
            .ProducesProblems(404);
        // Keeping stock is the warehouse's work, done by operators; no service changes it over HTTP.
        stock.MapGet("/{sku}/movements", GetMovementsAsync).RequireAuthorization(Access.Operators);
        stock.MapPost("/{sku}/receipts", ReceiveAsync).RequireAuthorization(Access.Operators).ProducesProblems(422);
        stock.MapPost("/{sku}/adjustments", AdjustAsync).RequireAuthorization(Access.Operators).AcceptsIfMatch().ProducesProblems(404, 422);
        stock.MapPut("/{sku}/reorder-point", SetReorderPointAsync).RequireAuthorization(Access.Operators).ProducesProblems(404);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    internal static partial Regex CodePattern();

    internal static ValidationErrors Code(this ValidationErrors errors, string? value, string field, int maxLength)
    {
        errors.Text(value, field, maxLength);
        return string.IsNullOrWhiteSpace(value) || value.Length > maxLength
            ? errors
            : errors.Check(CodePattern().IsMatch(value), field, "Letters, digits, '.', '_' and '-' only.");
    }

    private static async Task<Results<Ok<StockLevelResponse>, ValidationProblem, ProblemHttpResult>> GetStockAsync(
        string sku, InventoryDbContext db, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().Code(sku, "sku", InventoryLimits.Sku);
        if (errors.Any)
        {
            return errors.Problem();
        }

        var items = await db.StockItems.AsNoTracking().Where(s => s.Sku == sku).ToListAsync(cancellationToken);
        if (items.Count == 0)
        {
            return Problems.NotFound($"No stock is recorded for SKU {sku}.");
        }

        var warehouses = items.OrderBy(i => i.Warehouse, StringComparer.Ordinal)
            .Select(i => new StockItemResponse(i.Sku, i.Warehouse, i.OnHand, i.Reserved, i.OnHand - i.Reserved, i.ReorderPoint, i.Version))
            .ToList();
        var product = await db.ProductOfAsync(sku, cancellationToken);
        return TypedResults.Ok(new StockLevelResponse(sku, items.Sum(i => (long)i.OnHand), items.Sum(i => (long)i.Reserved),
            items.Sum(i => (long)i.OnHand - i.Reserved), warehouses, product?.Name, product?.Discontinued ?? false));
    }

    private static async Task<Results<Ok<List<StockMovementResponse>>, ValidationProblem>> GetMovementsAsync(
        string sku, InventoryDbContext db, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().Code(sku, "sku", InventoryLimits.Sku);
        if (errors.Any)
        {
            return errors.Problem();
        }

        var movements = await db.StockMovements.AsNoTracking()
            .Where(m => m.Sku == sku)
            .OrderBy(m => m.OccurredAt).ThenBy(m => m.Id)
            .Take(1000)
            .Select(m => new StockMovementResponse(m.Id, m.Sku, m.Warehouse, m.Kind, m.Quantity, m.Reason, m.Reference, m.OccurredAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(movements);
    }

    private static async Task<Results<Ok<StockItemResponse>, ValidationProblem, ProblemHttpResult>> ReceiveAsync(
        string sku, ReceiveStockRequest request, InventoryDbContext db, TimeProvider time, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors()
            .Code(sku, "sku", InventoryLimits.Sku)
            .Code(request.Warehouse, "warehouse", InventoryLimits.Warehouse)
            .Check(request.Quantity is > 0 and <= InventoryLimits.MaxQuantity, "quantity", $"Between 1 and {InventoryLimits.MaxQuantity}.")
            .Check(request.Reference is null || request.Reference.Length <= InventoryLimits.Text, "reference", $"At most {InventoryLimits.Text} characters.")
            .NoCardNumber(request.Reference, "reference");
        if (errors.Any)
        {
            return errors.Problem();
        }

        var row = await StockStore.ReceiveAsync(db, time.GetUtcNow(), sku, request.Warehouse, request.Quantity, request.Reference,
            "Receipt", cancellationToken);
        if (row is null)
        {
            return Problems.Unprocessable(
                $"{sku} in {request.Warehouse} would hold more than {InventoryLimits.MaxOnHand} on hand; nothing was received.");
        }

        loggers.CreateLogger("Commerce.Inventory").LogInformation("Received {Quantity} of {Sku} into {Warehouse}",
            request.Quantity, sku, request.Warehouse);
        return TypedResults.Ok(row.ToResponse());
    }

    private static async Task<Results<Ok<StockItemResponse>, ValidationProblem, ProblemHttpResult>> AdjustAsync(
        string sku, AdjustStockRequest request, HttpRequest http, InventoryDbContext db, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors()
            .Code(sku, "sku", InventoryLimits.Sku)
            .Code(request.Warehouse, "warehouse", InventoryLimits.Warehouse)
            .Check(request.Delta != 0 && Math.Abs((long)request.Delta) <= InventoryLimits.MaxQuantity, "delta",
                $"Non-zero, at most {InventoryLimits.MaxQuantity} either way.")
            .Text(request.Reason, "reason", InventoryLimits.Text)
            .NoCardNumber(request.Reason, "reason");
        if (errors.Any)
        {
            return errors.Problem();
        }

        // One atomic UPDATE rather than the EF change pipeline: a reservation taking units from this row meanwhile
        // must not turn an unconditional adjustment into a 409. If-Match has the pipeline's syntax and meaning.
        if (!IfMatch.TryParse(http, out var ifMatch))
        {
            return IfMatch.Malformed();
        }

        var named = ifMatch.Versions;
        var anyVersion = named is null;
        var versions = named?.ToArray() ?? [];
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var rows = await db.Database.SqlQuery<StockRow>($"""
            UPDATE inventory.stock_items
            SET on_hand = on_hand + {request.Delta}, version = version + 1, updated_at = {now}
            WHERE sku = {sku} AND warehouse = {request.Warehouse} AND on_hand + {request.Delta} >= reserved
              AND on_hand + {request.Delta} <= {InventoryLimits.MaxOnHand}
              AND ({anyVersion} OR version = ANY({versions}))
            RETURNING sku AS "Sku", warehouse AS "Warehouse", on_hand AS "OnHand", reserved AS "Reserved",
                reorder_point AS "ReorderPoint", version AS "Version"
            """).ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            var current = await db.StockItems.AsNoTracking()
                .FirstOrDefaultAsync(s => s.Sku == sku && s.Warehouse == request.Warehouse, cancellationToken);
            return current switch
            {
                null => Problems.NotFound($"No stock of {sku} in {request.Warehouse}."),
                _ when !ifMatch.Matches(current.Version) => ETags.Mismatch(current.Version),
                _ when (long)current.OnHand + request.Delta > InventoryLimits.MaxOnHand => Problems.Unprocessable(
                    $"On hand of {sku} in {request.Warehouse} is {current.OnHand}; it cannot exceed {InventoryLimits.MaxOnHand}."),
                _ => Problems.Unprocessable(
                    $"On hand of {sku} in {request.Warehouse} is {current.OnHand} with {current.Reserved} reserved; it cannot change by {request.Delta}."),
            };
        }

        var row = rows[0];
        db.StockMovements.Add(new StockMovement
        {
            Id = Guid.CreateVersion7(),
            Sku = sku,
            Warehouse = request.Warehouse,
            Kind = MovementKind.Adjustment,
            Quantity = request.Delta,
            Reason = request.Reason,
            OccurredAt = now,
        });
        var changes = new StockChanges(db, now);
        changes.Add(row, row.Available - request.Delta);
        await changes.AddEventsAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        http.HttpContext.Response.Headers.ETag = ETags.For(row.Version);
        return TypedResults.Ok(row.ToResponse());
    }

    private static async Task<Results<Ok<StockItemResponse>, ValidationProblem, ProblemHttpResult>> SetReorderPointAsync(
        string sku, SetReorderPointRequest request, InventoryDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors()
            .Code(sku, "sku", InventoryLimits.Sku)
            .Code(request.Warehouse, "warehouse", InventoryLimits.Warehouse)
            .Check(request.ReorderPoint is >= 0 and <= InventoryLimits.MaxQuantity, "reorderPoint", $"Between 0 and {InventoryLimits.MaxQuantity}.");
        if (errors.Any)
        {
            return errors.Problem();
        }

        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var previous = await db.StockItems
            .FromSql($"SELECT * FROM inventory.stock_items WHERE sku = {sku} AND warehouse = {request.Warehouse} FOR UPDATE")
            .AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        if (previous is null)
        {
            return Problems.NotFound($"No stock of {sku} in {request.Warehouse}.");
        }

        var row = (await db.Database.SqlQuery<StockRow>($"""
            UPDATE inventory.stock_items SET reorder_point = {request.ReorderPoint}, version = version + 1, updated_at = {now}
            WHERE sku = {sku} AND warehouse = {request.Warehouse}
            RETURNING sku AS "Sku", warehouse AS "Warehouse", on_hand AS "OnHand", reserved AS "Reserved",
                reorder_point AS "ReorderPoint", version AS "Version"
            """).ToListAsync(cancellationToken))[0];
        var changes = new StockChanges(db, now);
        changes.Add(row, previous.OnHand - previous.Reserved, previous.ReorderPoint);
        await changes.AddEventsAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(row.ToResponse());
    }
}

internal static class StockStore
{
    /// <summary>
    /// Adds to on hand in one atomic upsert, with its movement and events; caller's SaveChanges not needed. Null (and
    /// nothing written) when on hand would pass <see cref="InventoryLimits.MaxOnHand"/>.
    /// </summary>
    public static async Task<StockRow?> ReceiveAsync(
        InventoryDbContext db, DateTimeOffset now, string sku, string warehouse, int quantity, string? reference, string reason,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var row = (await db.Database.SqlQuery<StockRow>($"""
            INSERT INTO inventory.stock_items AS s (sku, warehouse, on_hand, reserved, reorder_point, version, updated_at)
            VALUES ({sku}, {warehouse}, {quantity}, 0, 0, 1, {now})
            ON CONFLICT (sku, warehouse) DO UPDATE
            SET on_hand = s.on_hand + EXCLUDED.on_hand, version = s.version + 1, updated_at = EXCLUDED.updated_at
            WHERE s.on_hand + EXCLUDED.on_hand <= {InventoryLimits.MaxOnHand}
            RETURNING sku AS "Sku", warehouse AS "Warehouse", on_hand AS "OnHand", reserved AS "Reserved",
                reorder_point AS "ReorderPoint", version AS "Version"
            """).ToListAsync(cancellationToken)).SingleOrDefault();
        if (row is null)
        {
            return null;
        }

        db.StockMovements.Add(new StockMovement
        {
            Id = Guid.CreateVersion7(),
            Sku = sku,
            Warehouse = warehouse,
            Kind = MovementKind.Receipt,
            Quantity = quantity,
            Reason = reason,
            Reference = reference,
            OccurredAt = now,
        });
        var changes = new StockChanges(db, now);
        changes.Add(row, row.Available - quantity);
        await changes.AddEventsAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return row;
    }
}
