using Commerce.Customer.Contracts;
using Commerce.Promotion.Contracts;
using Commerce.Rules;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Promotion.Campaigns;

internal static class PromotionEndpoints
{
    public static void MapPromotions(this RouteGroupBuilder promotions)
    {
        // Campaigns are the shop's marketing, run by operators; services learn of them from events and Validate.
        promotions.MapPost("/", CreateAsync).RequireAuthorization(Access.Operators);
        promotions.MapGet("/", ListAsync).RequireAuthorization(Access.Operators);
        promotions.MapGet("/{id:guid}", GetAsync).RequireAuthorization(Access.Operators).ProducesProblems(404);
        promotions.MapPost("/{id:guid}/deactivate", DeactivateAsync).RequireAuthorization(Access.Operators)
            .AcceptsIfMatch().ProducesProblems(404);
    }

    private static async Task<Results<Created<PromotionResponse>, ValidationProblem>> CreateAsync(
        CreatePromotionRequest request, PromotionDbContext db, TimeProvider time, HttpContext http,
        ILogger<PromotionDbContext> logger, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = new ValidationErrors().Text(request.Name, "name", PromotionLimits.Name).NoCardNumber(request.Name, "name")
            .Check(request.Description is null || request.Description.Length <= PromotionLimits.Description, "description",
                $"At most {PromotionLimits.Description} characters.")
            .NoCardNumber(request.Description, "description")
            .Check(request.StartsAt < request.EndsAt, "startsAt", "Must be before endsAt.")
            .Check(request.EndsAt > now, "endsAt", "Must be in the future.");
        ValidateTerms(errors, request.Terms);
        if (errors.Any)
        {
            return errors.Problem();
        }

        var campaign = NewCampaign(request, now);
        db.Promotions.Add(campaign);
        // A start already passed activates at once, in this transaction, rather than at the sweeper's next pass.
        if (campaign.Status == PromotionStatus.Active)
        {
            db.AddEvent(Activated(campaign), campaign.Id, campaign.Version, now);
        }

        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Created promotion {PromotionId} ({Status})", campaign.Id, campaign.Status);
        http.Response.Headers.ETag = ETags.For(campaign.Version);
        return TypedResults.Created($"/promotions/{campaign.Id}", campaign.ToResponse());
    }

    internal static Campaign NewCampaign(CreatePromotionRequest request, DateTimeOffset now)
    {
        var terms = request.Terms;
        return new Campaign
        {
            Id = Guid.CreateVersion7(),
            Name = request.Name.Trim(),
            Description = request.Description?.Trim() ?? "",
            Kind = terms.Kind,
            Value = terms.Value,
            Currency = terms.Currency,
            Scope = terms.Scope,
            ProductIds = [.. terms.ProductIds?.Distinct() ?? []],
            Categories = [.. terms.Categories?.Select(c => c.Trim()).Distinct(StringComparer.OrdinalIgnoreCase) ?? []],
            MinimumMembership = terms.MinimumMembership is { } level
                ? Enum.GetNames<MembershipLevel>().First(n => string.Equals(n, level, StringComparison.OrdinalIgnoreCase))
                : null,
            MinimumOrderTotal = terms.MinimumOrderTotal,
            StartsAt = request.StartsAt,
            EndsAt = request.EndsAt,
            RequiresCoupon = request.RequiresCoupon,
            Status = request.StartsAt <= now ? PromotionStatus.Active : PromotionStatus.Scheduled,
            CreatedAt = now,
        };
    }

    internal static PromotionActivated Activated(Campaign c) =>
        new(c.Id, c.Name, c.Terms, c.RequiresCoupon, c.StartsAt, c.EndsAt);

    private static void ValidateTerms(ValidationErrors errors, PromotionTerms? terms)
    {
        if (terms is null)
        {
            errors.Add("terms", "Required.");
            return;
        }

        switch (terms.Kind)
        {
            case DiscountKind.Percentage:
                errors.Check(terms.Value is > 0 and <= 100 && terms.Value == decimal.Round(terms.Value, 2), "terms.value",
                    "A percentage more than 0 and at most 100, in hundredths at most.");
                break;
            case DiscountKind.FixedAmount:
                errors.Check(Amounts.IsValid(terms.Value), "terms.value", "A positive amount in whole cents.");
                break;
            default:
                errors.Add("terms.kind", "Percentage or FixedAmount.");
                break;
        }

        errors.Check(Checks.IsCurrencyCode(terms.Currency), "terms.currency", "An ISO 4217 code such as USD.");
        var products = terms.ProductIds ?? [];
        var categories = terms.Categories ?? [];
        switch (terms.Scope)
        {
            case PromotionScope.Order:
                errors.Check(products.Count == 0 && categories.Count == 0, "terms.scope", "An order scope names no products or categories.");
                break;
            case PromotionScope.Products:
                errors.Check(products.Count > 0, "terms.productIds", "A products scope names at least one product.")
                    .Check(!products.Contains(Guid.Empty), "terms.productIds", "Product ids are not empty.")
                    .Check(categories.Count == 0, "terms.categories", "A products scope names no categories.");
                break;
            case PromotionScope.Categories:
                errors.Check(categories.Count > 0, "terms.categories", "A categories scope names at least one category.")
                    .Check(products.Count == 0, "terms.productIds", "A categories scope names no products.");
                for (var i = 0; i < categories.Count; i++)
                {
                    errors.Text(categories[i], $"terms.categories[{i}]", PromotionLimits.Category)
                        .NoCardNumber(categories[i], $"terms.categories[{i}]");
                }

                break;
            default:
                errors.Add("terms.scope", "Order, Products or Categories.");
                break;
        }

        errors.Check(terms.MinimumMembership is null
                || Enum.GetNames<MembershipLevel>().Contains(terms.MinimumMembership, StringComparer.OrdinalIgnoreCase),
            "terms.minimumMembership", $"One of {string.Join(", ", Enum.GetNames<MembershipLevel>())}.");
        errors.Check(terms.MinimumOrderTotal is null or 0 || Amounts.IsValid(terms.MinimumOrderTotal.Value), "terms.minimumOrderTotal",
            "Zero or a positive amount in whole cents.");
    }

    private static async Task<Ok<PromotionPage>> ListAsync(
        PromotionStatus? status, PromotionDbContext db, CancellationToken cancellationToken)
    {
        var query = db.Promotions.AsNoTracking();
        if (status is { } wanted)
        {
            query = query.Where(p => p.Status == wanted);
        }

        // The newest few hundred: the contract's page carries no cursor, and an operator looks for current campaigns.
        var items = await query.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id).Take(PromotionLimits.MaxListed)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new PromotionPage([.. items.Select(p => p.ToResponse())]));
    }

    private static async Task<Results<Ok<PromotionResponse>, ProblemHttpResult>> GetAsync(
        Guid id, PromotionDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var campaign = await db.Promotions.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (campaign is null)
        {
            return Problems.NotFound($"No promotion {id}.");
        }

        http.Response.Headers.ETag = ETags.For(campaign.Version);
        return TypedResults.Ok(campaign.ToResponse());
    }

    /// <summary>
    /// Scheduled or Active → Deactivated (PromotionExpired with that status). Deactivating again is the idempotent
    /// repeat; one already expired by its window stays Expired (it no longer discounts either way), with no event.
    /// </summary>
    private static async Task<Results<Ok<PromotionResponse>, ProblemHttpResult>> DeactivateAsync(
        Guid id, PromotionDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var campaign = await db.Promotions.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        var changed = await db.ChangeAsync(http, campaign, $"No promotion {id}.", (p, _) =>
            {
                if (p.Status == PromotionStatus.Expired)
                {
                    return Change<PromotionExpired>.None;
                }

                p.Status = PromotionStatus.Deactivated;
                return Change.Publish(new PromotionExpired(p.Id, p.Name, PromotionStatus.Deactivated));
            },
            cancellationToken,
            isRepeat: p => p.Status == PromotionStatus.Deactivated);
        return changed.Problem is { } problem ? problem : TypedResults.Ok(changed.Aggregate!.ToResponse());
    }
}
