namespace Commerce.Review.Contracts;

// Event payloads. Aggregate id = review id, version = the review's version.

public sealed record ReviewSubmitted(Guid ReviewId, Guid ProductId, Guid CustomerId, Guid OrderId, int Rating);

/// <summary>
/// The review is published. <paramref name="Rating"/> is the product's summary after it, with
/// <paramref name="RatingVersion"/> counting the product's summary changes: Product caches the summary by that
/// version, so approvals of different reviews of one product converge whatever order they arrive in.
/// </summary>
public sealed record ReviewApproved(Guid ReviewId, Guid ProductId, Guid CustomerId, int Stars, RatingSummary Rating, int RatingVersion);

/// <summary>The review will not be published; Notification tells the customer why.</summary>
public sealed record ReviewRejected(Guid ReviewId, Guid ProductId, Guid CustomerId, string ProductName, string Reason);
