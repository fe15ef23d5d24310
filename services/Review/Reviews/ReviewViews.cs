using Commerce.Review.Contracts;

namespace Commerce.Review.Reviews;

internal static class ReviewViews
{
    public static ReviewResponse ToResponse(this ProductReview r) => new(
        r.Id, r.ProductId, r.ProductName, r.CustomerId, r.OrderId, r.AuthorName, r.Rating, r.Title, r.Text, r.ImageUrls, r.Status,
        r.RejectionReason, [.. r.Replies.OrderBy(p => p.RepliedAt).ThenBy(p => p.Id).Select(ToReply)], r.SubmittedAt, r.ModeratedAt, r.Version);

    public static PublishedReview ToPublished(this ProductReview r) => new(
        r.Id, r.AuthorName, r.Rating, r.Title, r.Text, r.ImageUrls, [.. r.Replies.OrderBy(p => p.RepliedAt).ThenBy(p => p.Id).Select(ToReply)],
        r.SubmittedAt);

    private static ReviewReply ToReply(Reply p) => new(p.Id, p.Author, p.AuthorName, p.Text, p.RepliedAt);

    /// <summary>page from 1, pageSize 1..<see cref="ReviewLimits.MaxPageSize"/>; both optional.</summary>
    public static ValidationErrors Paging(int? page, int? pageSize) => new ValidationErrors()
        .Check(page is null or (>= 1 and <= 1_000_000), "page", "Between 1 and 1000000.")
        .Check(pageSize is null or (>= 1 and <= ReviewLimits.MaxPageSize), "pageSize", $"Between 1 and {ReviewLimits.MaxPageSize}.");

    public static async Task<(List<ProductReview> Items, int Page, int PageSize, int Total)> PageAsync(
        IQueryable<ProductReview> ordered, int? page, int? pageSize, CancellationToken ct)
    {
        var (number, size) = (page ?? 1, pageSize ?? ReviewLimits.DefaultPageSize);
        var total = await ordered.CountAsync(ct);
        var items = await ordered.Skip((number - 1) * size).Take(size).Include(r => r.Replies).AsSplitQuery().ToListAsync(ct);
        return (items, number, size, total);
    }
}
