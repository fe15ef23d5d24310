using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;

namespace Commerce.ServiceDefaults.Security;

/// <summary>
/// Rate limits (ASP.NET Core's rate limiter) on what an attacker repeats: guessing passwords, submitting orders
/// (card testing). The owner of a route declares its policy with <see cref="AddRateLimit"/> and the route requires it
/// with <c>.RequireRateLimiting(RateLimits.X)</c>. Each caller has a token bucket: <see cref="RateLimit.PermitLimit"/>
/// requests at once, refilled evenly over <see cref="RateLimit.Window"/>, set under <c>Commerce:RateLimits:{Policy}</c>.
/// A refused request is a 429 problem with <c>Retry-After</c>, refused before the endpoint runs: nothing is done.
/// </summary>
public static class RateLimits
{
    public const string Section = "Commerce:RateLimits";

    /// <summary>Password grants at the token endpoint, per client address and username (Customer).</summary>
    public const string SignIn = "SignIn";

    /// <summary>Order submissions, per customer (Checkout).</summary>
    public const string OrderSubmission = "OrderSubmission";

    /// <summary>
    /// Declares <paramref name="policy"/>: requests with the same <paramref name="partitionKey"/> share one allowance
    /// (<paramref name="defaults"/> unless configured); a null key is not limited.
    /// </summary>
    public static IHostApplicationBuilder AddRateLimit(
        this IHostApplicationBuilder builder, string policy, RateLimit defaults, Func<HttpContext, string?> partitionKey)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(defaults);
        var limit = new RateLimit { PermitLimit = defaults.PermitLimit, Window = defaults.Window };
        builder.Configuration.GetSection($"{Section}:{policy}").Bind(limit);
        if (limit.PermitLimit < 1 || limit.Window <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{Section}:{policy} needs a PermitLimit of at least 1 and a positive Window.");
        }

        builder.Services.Configure<RateLimiterOptions>(options => options.AddPolicy(policy, http =>
            partitionKey(http) is { } key
                ? RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limit.PermitLimit,
                    TokensPerPeriod = 1,
                    ReplenishmentPeriod = limit.Window / limit.PermitLimit,
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter("")));
        return builder;
    }

    /// <summary>Once per host (<see cref="ServiceDefaultsExtensions.AddServiceDefaults"/>): refusals as 429 problems with Retry-After.</summary>
    internal static IServiceCollection AddCommerceRateLimiter(this IServiceCollection services) =>
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = RejectAsync;
        });

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var policy = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        // The partition (an address and a username) stays out of the log: the policy and the route say what was refused.
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Commerce.RateLimits")
            .LogWarning("Rate limit {Policy} refused {Method} {Route}; retry after {Seconds} s",
                policy, http.Request.Method, (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText, seconds);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"Too many of these requests from this caller; retry after {seconds} seconds.",
            },
        });
    }
}

/// <summary><c>Commerce:RateLimits:{Policy}</c>: a burst of <see cref="PermitLimit"/> requests, refilled evenly over <see cref="Window"/>.</summary>
public sealed class RateLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }
}
