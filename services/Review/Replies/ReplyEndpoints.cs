using Commerce.Review.Contracts;
using Commerce.Review.Reviews;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Review.Replies;

internal static class ReplyEndpoints
{
    /// <summary>What a reply by an operator is signed with.</summary>
    public const string OperatorName = "Customer service";

    /// <summary>What a seller's reply is signed with until Seller's event names the seller here.</summary>
    public const string SellerName = "Seller";

    public static RouteGroupBuilder MapReplies(this RouteGroupBuilder reviews)
    {
        reviews.MapPost("/{id:guid}/replies", ReplyAsync).RequireAuthorization(Access.Sellers).AcceptsIfMatch().ProducesProblems(404);
        return reviews;
    }

    /// <summary>
    /// The reviewed product's seller (by Review's product cache) or an operator adds a reply to an approved review
    /// (409 before approval or after rejection: a reply would answer what nobody sees). Another seller gets the 404 an
    /// unknown review gets. Replies change the review's version (If-Match applies) but publish nothing.
    /// </summary>
    private static async Task<Results<Ok<ReviewResponse>, ValidationProblem, ProblemHttpResult>> ReplyAsync(
        Guid id, ReplyRequest request, Caller caller, ReviewDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var text = request.Text?.Trim();
        var errors = new ValidationErrors().Text(text, "text", ReviewLimits.Reply).NoCardNumber(text, "text");
        if (errors.Any)
        {
            return errors.Problem();
        }

        var review = await db.Reviews.Include(r => r.Replies).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (review is not null && !caller.IsOperator)
        {
            var sellerId = await db.Products.Where(p => p.ProductId == review.ProductId).Select(p => p.SellerId).FirstOrDefaultAsync(cancellationToken);
            if (sellerId is not { } seller || !caller.MayActForSeller(seller))
            {
                review = null;
            }
        }

        var sellerName = caller.SellerId is { } callerSeller && !caller.IsOperator
            ? await db.Sellers.Where(s => s.SellerId == callerSeller).Select(s => s.DisplayName).FirstOrDefaultAsync(cancellationToken)
            : null;
        var changed = await db.ChangeAsync<ProductReview, ReviewApproved>(http, review, $"No review {id}.", (r, now) =>
            {
                if (r.Status != ReviewStatus.Approved)
                {
                    return Problems.Conflict("Only an approved review takes replies.");
                }

                var author = caller.IsOperator ? ReplyAuthor.Operator : ReplyAuthor.Seller;
                // Added through its set: reached only through the navigation, a reply with its id already set would be
                // taken for an existing row to update.
                db.Replies.Add(new Reply
                {
                    Id = Guid.CreateVersion7(),
                    ReviewId = r.Id,
                    Author = author,
                    AuthorName = author == ReplyAuthor.Operator ? OperatorName : sellerName ?? SellerName,
                    Text = text!,
                    RepliedAt = now,
                });
                return Change<ReviewApproved>.Unannounced;
            },
            cancellationToken);
        return changed.Problem is { } problem ? problem : TypedResults.Ok(changed.Aggregate!.ToResponse());
    }
}
