using Commerce.Promotion.Contracts;
using Commerce.ServiceDefaults.Audit;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Promotion.Coupons;

internal static class CouponEndpoints
{
    public static void MapCoupons(this RouteGroupBuilder promotions)
    {
        promotions.MapPost("/{id:guid}/coupons", CreateAsync).RequireAuthorization(Access.Operators).ProducesProblems(404, 409, 422);
        // A coupon may be personal: reading it shows whose it is.
        promotions.MapGet("/coupons/{code}", GetAsync).RequireAuthorization(Access.Operators).ProducesProblems(404).AuditsOperatorReads();
        // Pricing asks while quoting; operators try codes when a shopper complains.
        promotions.MapPost("/coupons/validate", ValidateAsync).RequireAuthorization(Access.ClientsOnly(andOperators: true, "pricing"))
            .ProducesProblems(422);
    }

    private static async Task<Results<Created<CouponResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        Guid id, CreateCouponRequest request, PromotionDbContext db, TimeProvider time, ILogger<PromotionDbContext> logger,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().CouponCode(request.Code, "code")
            .Check(request.UsageLimit is null or (> 0 and <= PromotionLimits.MaxUses), "usageLimit", $"Between 1 and {PromotionLimits.MaxUses}, or absent.")
            .Check(request.PerCustomerLimit is > 0 and <= PromotionLimits.MaxUses, "perCustomerLimit", $"Between 1 and {PromotionLimits.MaxUses}.")
            .Check(request.CustomerId != Guid.Empty, "customerId", "Not the empty id.");
        if (errors.Any)
        {
            return errors.Problem();
        }

        var campaign = await db.Promotions.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (campaign is null)
        {
            return Problems.NotFound($"No promotion {id}.");
        }

        if (!campaign.RequiresCoupon)
        {
            return Problems.Unprocessable($"Promotion {id} applies automatically; it takes no coupon codes.");
        }

        if (campaign.Status is PromotionStatus.Expired or PromotionStatus.Deactivated)
        {
            return Problems.Unprocessable($"Promotion {id} is {campaign.Status}; it takes no new coupon codes.");
        }

        var now = time.GetUtcNow();
        var coupon = await IssueAsync(db, campaign, Normalize(request), now, sourceCartId: null, cancellationToken);
        if (coupon is null)
        {
            return Problems.Conflict("A coupon with this code exists.");
        }

        logger.LogInformation("Created coupon for promotion {PromotionId}", id);
        return TypedResults.Created($"/promotions/coupons/{coupon.Code}", coupon.ToResponse());
    }

    private static CreateCouponRequest Normalize(CreateCouponRequest request) => request with { Code = CouponRules.Normalize(request.Code) };

    /// <summary>
    /// Adds the coupon (a personal one announced with CouponIssued, aggregate id = its code) and saves; null when the
    /// code, or a coupon for the same cart, exists already.
    /// </summary>
    internal static async Task<Coupon?> IssueAsync(
        PromotionDbContext db, Campaign campaign, CreateCouponRequest request, DateTimeOffset now, Guid? sourceCartId,
        CancellationToken cancellationToken, bool save = true)
    {
        if (await db.Coupons.AnyAsync(c => c.Code == request.Code, cancellationToken))
        {
            return null;
        }

        var coupon = new Coupon
        {
            Code = request.Code,
            PromotionId = campaign.Id,
            UsageLimit = request.UsageLimit,
            PerCustomerLimit = request.PerCustomerLimit,
            CustomerId = request.CustomerId,
            SourceCartId = sourceCartId,
            CreatedAt = now,
        };
        db.Coupons.Add(coupon);
        if (coupon.CustomerId is { } customerId)
        {
            db.AddEvent(new CouponIssued(campaign.Id, coupon.Code, customerId, campaign.Name, campaign.EndsAt), coupon.Code, 1, now);
        }

        if (!save)
        {
            return coupon;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (Checks.IsUniqueViolation(exception))
        {
            return null;
        }

        return coupon;
    }

    private static async Task<Results<Ok<CouponResponse>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string code, PromotionDbContext db, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().CouponCode(code, "code");
        if (errors.Any)
        {
            return errors.Problem();
        }

        var normalized = CouponRules.Normalize(code);
        var coupon = await db.Coupons.AsNoTracking().FirstOrDefaultAsync(c => c.Code == normalized, cancellationToken);
        return coupon is null ? Problems.NotFound("No coupon with this code.") : TypedResults.Ok(coupon.ToResponse());
    }

    /// <summary>
    /// Whether the customer may use the code on these lines now: 200 with the promotion's terms, or 422 with the first
    /// reason it may not (the same answer for an unknown code and another customer's personal one). Reads only: the
    /// claim makes the same checks again under the coupon's lock.
    /// </summary>
    private static async Task<Results<Ok<CouponValidation>, ValidationProblem, ProblemHttpResult>> ValidateAsync(
        ValidateCouponRequest request, PromotionDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().CouponCode(request.Code, "code")
            .Check(request.CustomerId != Guid.Empty, "customerId", "Required.")
            .Check(Checks.IsCurrencyCode(request.Currency), "currency", "An ISO 4217 code such as USD.");
        for (var i = 0; i < request.Lines.Count; i++)
        {
            var line = request.Lines[i];
            errors.Check(CouponRules.IsAmountOrZero(line.LineTotal), $"lines[{i}].lineTotal", "Zero or a positive amount in whole cents.")
                .Check(line.Category.Length <= PromotionLimits.Category, $"lines[{i}].category", $"At most {PromotionLimits.Category} characters.");
        }

        if (errors.Any)
        {
            return errors.Problem();
        }

        var code = CouponRules.Normalize(request.Code);
        var coupon = await db.Coupons.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, cancellationToken);
        if (coupon is null)
        {
            return CouponRules.NotUsable(CouponRules.Unknown);
        }

        var campaign = await db.Promotions.AsNoTracking().FirstAsync(p => p.Id == coupon.PromotionId, cancellationToken);
        var tier = await CouponRules.TierOfAsync(db, request.CustomerId, cancellationToken);
        var refusal = CouponRules.Refusal(coupon, campaign, request.CustomerId, tier, request.Currency, time.GetUtcNow())
                      ?? LinesRefusal(campaign, request.Lines)
                      ?? CouponRules.LimitRefusal(coupon, await CouponRules.ClaimedByAsync(db, code, request.CustomerId, cancellationToken));
        return refusal is not null
            ? CouponRules.NotUsable(refusal)
            : TypedResults.Ok(new CouponValidation(coupon.Code, campaign.Id, campaign.Name, campaign.Terms, campaign.EndsAt));
    }

    private static string? LinesRefusal(Campaign campaign, IReadOnlyList<CouponCheckLine> lines)
    {
        // Lines are capped at 100 amounts below 10^16 each: the sum cannot overflow a decimal.
        var total = lines.Sum(l => l.LineTotal);
        if (campaign.MinimumOrderTotal is { } minimum && total < minimum)
        {
            return $"This coupon applies to orders of {minimum} {campaign.Currency} or more.";
        }

        var inScope = campaign.Scope switch
        {
            PromotionScope.Products => lines.Any(l => campaign.ProductIds.Contains(l.ProductId)),
            PromotionScope.Categories => lines.Any(l => campaign.Categories.Contains(l.Category.Trim(), StringComparer.OrdinalIgnoreCase)),
            _ => true,
        };
        return inScope ? null : "No line of this order is in the coupon's scope.";
    }
}
