using Commerce.Review.Contracts;

namespace Commerce.Review.Moderation;

/// <summary>A product's rating row: counted up by one atomic statement per approval.</summary>
internal static class RatingTotals
{
    private sealed record Totals(int ReviewCount, int StarSum, int S1, int S2, int S3, int S4, int S5, int Version);

    /// <summary>
    /// Counts one more approved review of <paramref name="stars"/> into the product's row, creating it at the first:
    /// one INSERT … ON CONFLICT DO UPDATE, which takes the row's lock until the caller's transaction ends, so a
    /// concurrent approval of the same product waits and then adds to what this one wrote (no lost count). Returns the
    /// row as it is after the change; rolled back with the caller's transaction if the approval is not saved.
    /// </summary>
    public static async Task<(RatingSummary Summary, int Version)> AddAsync(ReviewDbContext db, Guid productId, int stars, CancellationToken ct)
    {
        var initial = new int[5];
        initial[stars - 1] = 1;
        var rows = await db.Database.SqlQuery<Totals>($"""
            INSERT INTO review.product_ratings AS r (product_id, review_count, star_sum, stars, version)
            VALUES ({productId}, 1, {stars}, {initial}, 1)
            ON CONFLICT (product_id) DO UPDATE SET
                review_count = r.review_count + 1,
                star_sum = r.star_sum + EXCLUDED.star_sum,
                stars[{stars}] = r.stars[{stars}] + 1,
                version = r.version + 1
            RETURNING review_count AS "ReviewCount", star_sum AS "StarSum",
                stars[1] AS "S1", stars[2] AS "S2", stars[3] AS "S3", stars[4] AS "S4", stars[5] AS "S5", version AS "Version"
            """).ToListAsync(ct);
        var row = rows.Single();
        return (Summary(productId, row.ReviewCount, row.StarSum, [row.S1, row.S2, row.S3, row.S4, row.S5]), row.Version);
    }

    /// <summary>The average to two decimals (half away from zero), as the contract promises.</summary>
    public static RatingSummary Summary(Guid productId, int count, int sum, IReadOnlyList<int> stars) =>
        new(productId, count, count == 0 ? 0m : Math.Round((decimal)sum / count, 2, MidpointRounding.AwayFromZero), [.. stars]);
}
