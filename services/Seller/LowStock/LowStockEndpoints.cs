using Commerce.Seller.Contracts;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Seller.LowStock;

internal static class LowStockEndpoints
{
    public static RouteGroupBuilder MapLowStock(this RouteGroupBuilder sellers)
    {
        sellers.MapGet("/{id:guid}/low-stock", GetAsync).WithName("GetSellerLowStock").ProducesProblems(404).RequireAuthorization(Access.Sellers);
        return sellers;
    }

    private static async Task<Results<Ok<List<LowStockItem>>, ProblemHttpResult>> GetAsync(
        Guid id, SellerDbContext db, Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.MayActForSeller(id) || !await db.Sellers.AnyAsync(s => s.Id == id, cancellationToken))
        {
            return Problems.NotFound($"No seller {id}.");
        }

        var rows = await db.LowStock.AsNoTracking().Where(l => l.SellerId == id && l.IsLow)
            .OrderBy(l => l.Sku).ThenBy(l => l.Warehouse).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(l => l.ToItem()).ToList());
    }
}
