using Commerce.Product.Contracts;
using Commerce.Review.Caches;
using Commerce.Review.Moderation;
using Commerce.Review.Privacy;
using Commerce.Review.Replies;
using Commerce.Review.Reviews;
using Microsoft.Extensions.Configuration;

namespace Commerce.Review;

public static class ReviewContext
{
    public const string Name = "Review";

    public static IHostApplicationBuilder AddReviewContext(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddCommerceContext<ReviewDbContext>(Name)
            .HandleCacheEvents()
            .HoldsCustomersPersonalData()
            .SeedDemoData(DemoReviews.SeedAsync);
        // Reviews, replies and ratings are the shop's published content: nothing is retained for a limited time.

        // Product events written before they carried the whole state: the product is read from Product instead.
        builder.AddContextClient<IProductApi>("Product", Name);
        builder.Services.Configure<FloodingOptions>(builder.Configuration.GetSection(FloodingOptions.Section));
        return builder;
    }

    /// <summary>/reviews/...</summary>
    public static IEndpointRouteBuilder MapReviewContext(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapContextGroup(Name, "/reviews").MapReviews().MapModeration().MapReplies();
        return endpoints;
    }
}
