using Commerce.Review.Contracts;

namespace Commerce.Review;

/// <summary>
/// A customer's review of one product from one delivered order (unique by order and product). Pending until an
/// operator approves it (then counted in <see cref="ProductRating"/>) or rejects it with a reason.
/// </summary>
public sealed class ProductReview : IVersionedAggregate
{
    public required Guid Id { get; init; }

    string IVersionedAggregate.AggregateId => Id.ToString();

    public required Guid ProductId { get; init; }

    /// <summary>The product's name when the review was written (from the product cache, else the order line).</summary>
    public required string ProductName { get; init; }

    public required Guid CustomerId { get; init; }

    public required Guid OrderId { get; init; }

    /// <summary>The customer's display name as Review last heard it; "Former customer" once they are deleted.</summary>
    public required string AuthorName { get; set; }

    public required int Rating { get; init; }

    public required string Title { get; init; }

    public required string Text { get; init; }

    public List<string> ImageUrls { get; init; } = [];

    public ReviewStatus Status { get; set; } = ReviewStatus.Pending;

    public string? RejectionReason { get; set; }

    /// <summary>Indexed with <see cref="CustomerId"/>: the flooding limit counts a customer's last hour by it.</summary>
    public required DateTimeOffset SubmittedAt { get; init; }

    public DateTimeOffset? ModeratedAt { get; set; }

    public int Version { get; set; } = 1;

    public List<Reply> Replies { get; init; } = [];
}

public sealed class Reply
{
    public required Guid Id { get; init; }

    public required Guid ReviewId { get; init; }

    public required ReplyAuthor Author { get; init; }

    public required string AuthorName { get; init; }

    public required string Text { get; init; }

    public required DateTimeOffset RepliedAt { get; init; }
}

/// <summary>
/// A product's approved reviews summed up. Written only by one atomic upsert per approval (see
/// <see cref="Moderation.RatingTotals"/>), so concurrent approvals of one product serialize on the row and never lose
/// a count; <see cref="Version"/> counts the changes and orders them for Product's cache.
/// </summary>
public sealed class ProductRating
{
    public required Guid ProductId { get; init; }

    public int ReviewCount { get; set; }

    public int StarSum { get; set; }

    /// <summary>Approved reviews per star, index 0 = one star (PostgreSQL integer[5]).</summary>
    public int[] Stars { get; set; } = new int[5];

    public int Version { get; set; }
}

/// <summary>
/// What Review knows of an order to verify purchases: whose it is, whether it was delivered or cancelled, and its
/// products (<see cref="Lines"/>). Not an <see cref="ICachedCopy"/>: Order's events carry no whole state (OrderDelivered
/// has no lines), so each event adds a fact that never reverts (lines once created, delivered, cancelled), and the
/// facts merge the same whatever order they arrive in.
/// </summary>
public sealed class Purchase
{
    public required Guid OrderId { get; init; }

    public required Guid CustomerId { get; init; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public bool Cancelled { get; set; }

    public List<PurchaseLine> Lines { get; init; } = [];
}

public sealed class PurchaseLine
{
    public required Guid OrderId { get; init; }

    public required Guid ProductId { get; init; }

    public required string ProductName { get; init; }
}

/// <summary>Product's name and seller as of <see cref="SourceVersion"/> (from Product's events).</summary>
public sealed class CachedProduct : ICachedCopy
{
    public required Guid ProductId { get; init; }

    public required string Name { get; set; }

    /// <summary>Who may reply to the product's reviews as its seller (null: the shop's own product).</summary>
    public Guid? SellerId { get; set; }

    public required int SourceVersion { get; set; }
}

/// <summary>A seller's display name as of <see cref="SourceVersion"/> (from Seller's events): what its replies are signed with.</summary>
public sealed class CachedSeller : ICachedCopy
{
    public required Guid SellerId { get; init; }

    public required string DisplayName { get; set; }

    public required int SourceVersion { get; set; }
}

/// <summary>The customer's display name; a deleted customer stays as a tombstone so an older event cannot bring the name back.</summary>
public sealed class CachedCustomer : ICachedCopy
{
    public required Guid CustomerId { get; init; }

    public required string Name { get; set; }

    public required bool Deleted { get; set; }

    public required int SourceVersion { get; set; }
}

internal static class ReviewLimits
{
    public const int Title = 120;
    public const int Text = 5000;
    public const int ImageUrl = 2000;
    public const int MaxImageUrls = SubmitReviewRequest.MaxImageUrls;
    public const int Reason = 500;
    public const int Reply = 2000;
    public const int Name = 200;
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;
    public const string FormerCustomer = "Former customer";

    /// <summary>Shown until Customer's event names the author (the review was written before it arrived).</summary>
    public const string UnknownCustomer = "Customer";
}
