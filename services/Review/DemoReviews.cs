using Commerce.Review.Contracts;
using Commerce.Review.Moderation;
using Commerce.ServiceDefaults.Demo;

namespace Commerce.Review;

/// <summary>
/// A few approved reviews of the demo catalog by the demo customers, so the demo's product pages show ratings.
/// Review owns reviews, so it may write them directly; seeded reviews need no purchase in the purchase cache (that
/// check guards what customers submit, and the demo has no delivered orders at seeding time): each names a fixed
/// demo order id of its own. Fixed review ids make seeding twice change nothing.
/// </summary>
internal static class DemoReviews
{
    private static readonly (Guid Id, int Product, int Customer, int Stars, string Title, string Text)[] Reviews =
    [
        (new("0e000000-0000-0000-0000-000000000001"), 0, 0, 5, "A joy to type on", "Crisp switches and a solid frame; my analytical engine notes have never looked better."),
        (new("0e000000-0000-0000-0000-000000000002"), 0, 1, 4, "Good keyboard, loud", "Great feel, but the clicks carry across the room."),
        (new("0e000000-0000-0000-0000-000000000003"), 1, 2, 4, "Reliable mouse", "Tracks well on every surface I tried; battery lasts weeks."),
        (new("0e000000-0000-0000-0000-000000000004"), 2, 0, 5, "Sharp and bright", "Text is crisp at 4K and the stand adjusts easily."),
    ];

    public static async Task SeedAsync(ReviewDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        var ids = Reviews.Select(r => r.Id).ToList();
        if (await db.Reviews.AnyAsync(r => ids.Contains(r.Id), cancellationToken))
        {
            return;
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var seeded in Reviews)
        {
            var product = DemoCatalog.Products[seeded.Product];
            var customer = DemoCatalog.Customers[seeded.Customer];
            var review = new ProductReview
            {
                Id = seeded.Id,
                ProductId = product.Id,
                ProductName = product.Name,
                CustomerId = customer.Id,
                OrderId = new Guid($"0d000000-0000-0000-0000-{seeded.Id.ToString()[^12..]}"),
                AuthorName = customer.Name,
                Rating = seeded.Stars,
                Title = seeded.Title,
                Text = seeded.Text,
                SubmittedAt = now,
                Status = ReviewStatus.Approved,
                ModeratedAt = now,
                Version = 2,
            };
            db.Reviews.Add(review);
            var (rating, ratingVersion) = await RatingTotals.AddAsync(db, product.Id, seeded.Stars, cancellationToken);
            db.AddEvent(new ReviewSubmitted(review.Id, product.Id, customer.Id, review.OrderId, review.Rating), review.Id, 1, now);
            db.AddEvent(new ReviewApproved(review.Id, product.Id, customer.Id, review.Rating, rating, ratingVersion), review.Id, 2, now);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
