using Commerce.Review.Contracts;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Review.Reviews;

internal static class ReviewEndpoints
{
    public static RouteGroupBuilder MapReviews(this RouteGroupBuilder reviews)
    {
        // Customers write about their own purchases; an operator (who has none) is refused with 403 by the endpoint.
        reviews.MapPost("/", SubmitAsync).RequireAuthorization(Access.Customers).ProducesProblems(409, 422, 429);
        reviews.MapGet("/{id:guid}", GetAsync).RequireAuthorization(Access.Customers).ProducesProblems(404);
        reviews.MapGet("/customers/{customerId:guid}", ListForCustomerAsync).RequireAuthorization(Access.Customers).ProducesProblems(404);
        // What a product page shows everyone: approved reviews only, without customer or order ids.
        reviews.MapGet("/products/{productId:guid}", ListForProductAsync).AllowAnonymous();
        reviews.MapGet("/products/{productId:guid}/rating", GetRatingAsync).AllowAnonymous();
        return reviews;
    }

    private static async Task<Results<Created<ReviewResponse>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
        SubmitReviewRequest request, Caller caller, ReviewDbContext db, TimeProvider time, HttpContext http,
        IOptions<FloodingOptions> flooding, ILogger<ReviewDbContext> logger, CancellationToken cancellationToken)
    {
        var title = request.Title?.Trim();
        var text = request.Text?.Trim();
        var imageUrls = request.ImageUrls ?? [];
        var errors = new ValidationErrors()
            .Check(request.OrderId != Guid.Empty, "orderId", "Required.")
            .Check(request.ProductId != Guid.Empty, "productId", "Required.")
            .Check(request.Rating is >= 1 and <= 5, "rating", "From 1 to 5 stars.")
            .Text(title, "title", ReviewLimits.Title).NoCardNumber(title, "title")
            .Text(text, "text", ReviewLimits.Text).NoCardNumber(text, "text")
            .Check(imageUrls.Count <= ReviewLimits.MaxImageUrls, "imageUrls", $"At most {ReviewLimits.MaxImageUrls}.");
        for (var i = 0; i < imageUrls.Count; i++)
        {
            errors.Check(IsHttpsUrl(imageUrls[i]), $"imageUrls[{i}]", $"An absolute https URL of at most {ReviewLimits.ImageUrl} characters.");
        }

        if (errors.Any)
        {
            return errors.Problem();
        }

        if (caller.CustomerId is not { } customerId)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Customers only",
                detail: "Reviews are written by customers about their own purchases; an operator has none.");
        }

        // One answer for an unknown order, another customer's and a product it does not hold: nothing here tells whether
        // someone else's order exists. The caller's own purchase may say more: it is theirs.
        var purchase = await db.PurchaseLines.AsNoTracking()
            .Where(l => l.OrderId == request.OrderId && l.ProductId == request.ProductId)
            .Join(db.Purchases.Where(p => p.CustomerId == customerId), l => l.OrderId, p => p.OrderId,
                (l, p) => new { l.ProductName, Delivered = p.DeliveredAt != null, p.Cancelled })
            .FirstOrDefaultAsync(cancellationToken);
        if (purchase is not { Delivered: true, Cancelled: false })
        {
            return Problems.Unprocessable(
                purchase switch
                {
                    { Cancelled: true } => "That order of yours was cancelled: only delivered purchases can be reviewed.",
                    not null => "That order of yours is not delivered yet: review it once it has arrived.",
                    null => "Reviews are for verified purchases only: the product must be in a delivered order of yours.",
                },
                "Verified purchases only");
        }
        if (await db.Reviews.AnyAsync(r => r.OrderId == request.OrderId && r.ProductId == request.ProductId, cancellationToken))
        {
            return AlreadyReviewed();
        }

        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // One customer's submissions queue behind each other here, so the count below is exact even for a burst of
        // concurrent requests on several instances.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended('review-flooding:' || {customerId.ToString()}, 0))",
            cancellationToken);
        var windowStart = now.AddHours(-1);
        var limit = flooding.Value.MaxPerHour;
        var recent = await db.Reviews.Where(r => r.CustomerId == customerId && r.SubmittedAt > windowStart)
            .OrderByDescending(r => r.SubmittedAt).Select(r => r.SubmittedAt).Take(limit).ToListAsync(cancellationToken);
        if (recent.Count >= limit)
        {
            var retryAfter = recent[^1].AddHours(1) - now;
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many reviews",
                detail: $"At most {limit} reviews an hour; try again later.");
        }

        var productName = await db.Products.Where(p => p.ProductId == request.ProductId).Select(p => p.Name).FirstOrDefaultAsync(cancellationToken);
        var authorName = await db.Customers.Where(c => c.CustomerId == customerId && !c.Deleted).Select(c => c.Name)
            .FirstOrDefaultAsync(cancellationToken);
        var review = new ProductReview
        {
            Id = Guid.CreateVersion7(),
            ProductId = request.ProductId,
            ProductName = productName ?? purchase.ProductName,
            CustomerId = customerId,
            OrderId = request.OrderId,
            AuthorName = string.IsNullOrEmpty(authorName) ? ReviewLimits.UnknownCustomer : authorName,
            Rating = request.Rating,
            Title = title!,
            Text = text!,
            ImageUrls = [.. imageUrls],
            SubmittedAt = now,
        };
        db.Reviews.Add(review);
        db.AddEvent(new ReviewSubmitted(review.Id, review.ProductId, customerId, review.OrderId, review.Rating), review.Id, review.Version, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (Checks.IsUniqueViolation(exception))
        {
            return AlreadyReviewed();
        }

        logger.LogInformation("Review {ReviewId} of product {ProductId} submitted", review.Id, review.ProductId);
        http.Response.Headers.ETag = ETags.For(review.Version);
        return TypedResults.Created($"/reviews/{review.Id}", review.ToResponse());
    }

    private static ProblemHttpResult AlreadyReviewed() =>
        Problems.Conflict("This product of this order has been reviewed already.");

    private static bool IsHttpsUrl(string? url) =>
        url is { Length: > 0 and <= ReviewLimits.ImageUrl }
        && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttps
        && !string.IsNullOrEmpty(uri.Host)
        && string.IsNullOrEmpty(uri.UserInfo);

    /// <summary>The author and operators; anyone else gets the 404 an unknown id gets.</summary>
    private static async Task<Results<Ok<ReviewResponse>, ProblemHttpResult>> GetAsync(
        Guid id, Caller caller, ReviewDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var review = await db.Reviews.AsNoTracking().Include(r => r.Replies).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (review is null || !caller.MayActFor(review.CustomerId))
        {
            return Problems.NotFound($"No review {id}.");
        }

        http.Response.Headers.ETag = ETags.For(review.Version);
        return TypedResults.Ok(review.ToResponse());
    }

    private static async Task<Results<Ok<ReviewPage>, ValidationProblem, ProblemHttpResult>> ListForCustomerAsync(
        Guid customerId, Caller caller, ReviewDbContext db, CancellationToken cancellationToken, int? page = null, int? pageSize = null)
    {
        var errors = ReviewViews.Paging(page, pageSize);
        if (errors.Any)
        {
            return errors.Problem();
        }

        if (!caller.MayActFor(customerId))
        {
            return Problems.NotFound($"No customer {customerId}.");
        }

        var (items, number, size, total) = await ReviewViews.PageAsync(
            db.Reviews.AsNoTracking().Where(r => r.CustomerId == customerId).OrderByDescending(r => r.SubmittedAt).ThenBy(r => r.Id),
            page, pageSize, cancellationToken);
        return TypedResults.Ok(new ReviewPage([.. items.Select(r => r.ToResponse())], number, size, total));
    }

    private static async Task<Results<Ok<PublishedReviewPage>, ValidationProblem>> ListForProductAsync(
        Guid productId, ReviewDbContext db, CancellationToken cancellationToken, int? page = null, int? pageSize = null)
    {
        var errors = ReviewViews.Paging(page, pageSize);
        if (errors.Any)
        {
            return errors.Problem();
        }

        var (items, number, size, total) = await ReviewViews.PageAsync(
            db.Reviews.AsNoTracking().Where(r => r.ProductId == productId && r.Status == ReviewStatus.Approved)
                .OrderByDescending(r => r.SubmittedAt).ThenBy(r => r.Id),
            page, pageSize, cancellationToken);
        return TypedResults.Ok(new PublishedReviewPage([.. items.Select(r => r.ToPublished())], number, size, total));
    }

    private static async Task<Ok<RatingSummary>> GetRatingAsync(Guid productId, ReviewDbContext db, CancellationToken cancellationToken)
    {
        var rating = await db.Ratings.AsNoTracking().FirstOrDefaultAsync(r => r.ProductId == productId, cancellationToken);
        return TypedResults.Ok(rating is null
            ? new RatingSummary(productId, 0, 0m, [0, 0, 0, 0, 0])
            : Moderation.RatingTotals.Summary(productId, rating.ReviewCount, rating.StarSum, rating.Stars));
    }
}
