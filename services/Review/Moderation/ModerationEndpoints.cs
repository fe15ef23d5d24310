using Commerce.Review.Contracts;
using Commerce.Review.Reviews;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Review.Moderation;

internal static class ModerationEndpoints
{
    public static RouteGroupBuilder MapModeration(this RouteGroupBuilder reviews)
    {
        reviews.MapGet("/pending", ListPendingAsync).RequireAuthorization(Access.Operators);
        reviews.MapPost("/{id:guid}/approve", ApproveAsync).RequireAuthorization(Access.Operators).AcceptsIfMatch().ProducesProblems(404);
        reviews.MapPost("/{id:guid}/reject", RejectAsync).RequireAuthorization(Access.Operators).AcceptsIfMatch().ProducesProblems(404);
        return reviews;
    }

    private static async Task<Results<Ok<ReviewPage>, ValidationProblem>> ListPendingAsync(
        ReviewDbContext db, CancellationToken cancellationToken, int? page = null, int? pageSize = null)
    {
        var errors = ReviewViews.Paging(page, pageSize);
        if (errors.Any)
        {
            return errors.Problem();
        }

        var (items, number, size, total) = await ReviewViews.PageAsync(
            db.Reviews.AsNoTracking().Where(r => r.Status == ReviewStatus.Pending).OrderBy(r => r.SubmittedAt).ThenBy(r => r.Id),
            page, pageSize, cancellationToken);
        return TypedResults.Ok(new ReviewPage([.. items.Select(r => r.ToResponse())], number, size, total));
    }

    /// <summary>
    /// Pending → Approved, with the product's rating row counted up in the same transaction (ReviewApproved carries
    /// the row after it). Approving again is the idempotent repeat; a rejected review is 409.
    /// </summary>
    private static async Task<Results<Ok<ReviewResponse>, ProblemHttpResult>> ApproveAsync(
        Guid id, ReviewDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var review = await db.Reviews.Include(r => r.Replies).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        var changed = await db.ChangeAsync<ProductReview, ReviewApproved>(http, review, $"No review {id}.", async (r, now) =>
            {
                if (r.Status == ReviewStatus.Rejected)
                {
                    return Problems.Conflict("The review was rejected; a rejected review is not approved.");
                }

                var (rating, ratingVersion) = await RatingTotals.AddAsync(db, r.ProductId, r.Rating, cancellationToken);
                r.Status = ReviewStatus.Approved;
                r.ModeratedAt = now;
                return new ReviewApproved(r.Id, r.ProductId, r.CustomerId, r.Rating, rating, ratingVersion);
            },
            cancellationToken,
            isRepeat: r => r.Status == ReviewStatus.Approved);
        if (changed.Problem is { } problem)
        {
            return problem; // the transaction rolls back: a counted rating without its approval is undone
        }

        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(changed.Aggregate!.ToResponse());
    }

    /// <summary>Pending → Rejected with the reason (ReviewRejected names the product for the customer's notice).</summary>
    private static async Task<Results<Ok<ReviewResponse>, ValidationProblem, ProblemHttpResult>> RejectAsync(
        Guid id, RejectReviewRequest request, ReviewDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var reason = request.Reason?.Trim();
        var errors = new ValidationErrors().Text(reason, "reason", ReviewLimits.Reason).NoCardNumber(reason, "reason");
        if (errors.Any)
        {
            return errors.Problem();
        }

        var review = await db.Reviews.Include(r => r.Replies).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        var changed = await db.ChangeAsync<ProductReview, ReviewRejected>(http, review, $"No review {id}.", (r, now) =>
            {
                if (r.Status == ReviewStatus.Approved)
                {
                    return Problems.Conflict("The review was approved; an approved review is not rejected.");
                }

                r.Status = ReviewStatus.Rejected;
                r.RejectionReason = reason;
                r.ModeratedAt = now;
                return new ReviewRejected(r.Id, r.ProductId, r.CustomerId, r.ProductName, reason!);
            },
            cancellationToken,
            isRepeat: r => r.Status == ReviewStatus.Rejected);
        return changed.Problem is { } problem ? problem : TypedResults.Ok(changed.Aggregate!.ToResponse());
    }
}
