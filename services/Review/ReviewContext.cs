namespace Commerce.Review;

public static class ReviewContext
{
    public const string Name = "Review";

    public static IHostApplicationBuilder AddReviewContext(this IHostApplicationBuilder builder)
    {
        builder.AddCommerceContext<ReviewDbContext>(Name);
        return builder;
    }

    /// <summary>/reviews/...</summary>
    public static IEndpointRouteBuilder MapReviewContext(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapContextGroup(Name, "/reviews");
        return endpoints;
    }
}
