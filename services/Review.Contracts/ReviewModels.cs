namespace Commerce.Review.Contracts;

/// <summary>Pending until an operator approves it (shown, counted in the product's rating) or rejects it (with a reason).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReviewStatus>))]
public enum ReviewStatus
{
    Pending,
    Approved,
    Rejected,
}

[JsonConverter(typeof(JsonStringEnumConverter<ReplyAuthor>))]
public enum ReplyAuthor
{
    /// <summary>The seller of the reviewed product.</summary>
    Seller,
    Operator,
}

/// <summary>A customer reviews a product they bought in <paramref name="OrderId"/>, once that order was delivered.</summary>
/// <param name="Rating">1 to 5 stars.</param>
/// <param name="ImageUrls">Absolute https URLs of the customer's photos.</param>
public sealed record SubmitReviewRequest(
    Guid OrderId,
    Guid ProductId,
    int Rating,
    string Title,
    string Text,
    [property: MaxLength(SubmitReviewRequest.MaxImageUrls)] IReadOnlyList<string>? ImageUrls = null)
{
    public const int MaxImageUrls = 5;
}

public sealed record RejectReviewRequest(string Reason);

public sealed record ReplyRequest(string Text);

public sealed record ReviewReply(Guid Id, ReplyAuthor Author, string AuthorName, string Text, DateTimeOffset RepliedAt);

/// <summary>A review as its author and operators see it.</summary>
public sealed record ReviewResponse(
    Guid Id,
    Guid ProductId,
    string ProductName,
    Guid CustomerId,
    Guid OrderId,
    string AuthorName,
    int Rating,
    string Title,
    string Text,
    IReadOnlyList<string> ImageUrls,
    ReviewStatus Status,
    string? RejectionReason,
    IReadOnlyList<ReviewReply> Replies,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? ModeratedAt,
    int Version);

/// <summary>An approved review as everyone sees it: no customer or order id.</summary>
public sealed record PublishedReview(
    Guid Id,
    string AuthorName,
    int Rating,
    string Title,
    string Text,
    IReadOnlyList<string> ImageUrls,
    IReadOnlyList<ReviewReply> Replies,
    DateTimeOffset SubmittedAt);

public sealed record PublishedReviewPage(IReadOnlyList<PublishedReview> Items, int Page, int PageSize, int TotalCount);

public sealed record ReviewPage(IReadOnlyList<ReviewResponse> Items, int Page, int PageSize, int TotalCount);

/// <summary>A product's approved reviews summed up: average to two decimals, and the count per star (index 0 = one star).</summary>
public sealed record RatingSummary(Guid ProductId, int Count, decimal Average, IReadOnlyList<int> Stars);
