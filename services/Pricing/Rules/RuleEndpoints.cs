using Commerce.Customer.Contracts;
using Commerce.Pricing.Contracts;
using Commerce.Rules;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Pricing.Rules;

/// <summary>Operators keep the pricing rules: create, list, read, retire.</summary>
internal static class RuleEndpoints
{
    public static void MapRules(this RouteGroupBuilder pricing)
    {
        pricing.MapPost("/rules", CreateAsync).WithName("CreatePricingRule").RequireAuthorization(Access.Operators);
        pricing.MapGet("/rules", ListAsync).WithName("ListPricingRules").RequireAuthorization(Access.Operators);
        pricing.MapGet("/rules/{id:guid}", GetAsync).WithName("GetPricingRule").RequireAuthorization(Access.Operators).ProducesProblems(404);
        pricing.MapPost("/rules/{id:guid}/retire", RetireAsync).WithName("RetirePricingRule").RequireAuthorization(Access.Operators)
            .AcceptsIfMatch().ProducesProblems(404);
    }

    private static async Task<Results<Created<PricingRuleResponse>, ValidationProblem>> CreateAsync(
        PricingRuleRequest request, PricingDbContext db, TimeProvider clock, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = Validate(request);
        if (errors.Any)
        {
            return errors.Problem();
        }

        var rule = new PricingRule
        {
            Id = Guid.CreateVersion7(),
            Kind = request.Kind,
            Name = request.Name.Trim(),
            ProductId = request.ProductId,
            Category = request.Category?.Trim(),
            MinimumQuantity = request.MinimumQuantity,
            Percent = request.Percent,
            Membership = request.Membership is null ? null : Enum.Parse<MembershipLevel>(request.Membership, ignoreCase: true).ToString(),
            SalePrice = request.SalePrice,
            Currency = request.Currency,
            StartsAt = request.StartsAt,
            EndsAt = request.EndsAt,
            CreatedAt = PricingLimits.Stored(clock.GetUtcNow()),
        };
        db.Rules.Add(rule);
        await db.SaveChangesAsync(cancellationToken);
        response.Headers.ETag = ETags.For(rule.Version);
        return TypedResults.Created($"/pricing/rules/{rule.Id}", ToResponse(rule));
    }

    private static async Task<Ok<PricingRulePage>> ListAsync(PricingDbContext db, CancellationToken cancellationToken, bool? includeRetired = null)
    {
        var rules = await db.Rules.AsNoTracking()
            .Where(r => includeRetired == true || !r.Retired)
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new PricingRulePage([.. rules.Select(ToResponse)]));
    }

    private static async Task<Results<Ok<PricingRuleResponse>, ProblemHttpResult>> GetAsync(
        Guid id, PricingDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        var rule = await db.Rules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rule is null)
        {
            return Problems.NotFound($"No pricing rule {id}.");
        }

        response.Headers.ETag = ETags.For(rule.Version);
        return TypedResults.Ok(ToResponse(rule));
    }

    /// <summary>
    /// Retiring is Pricing's own affair: no other context caches rules (quotes snapshot what they applied), so the
    /// change is saved unannounced; operators' POSTs are in the audit trail.
    /// </summary>
    private static async Task<Results<Ok<PricingRuleResponse>, ProblemHttpResult>> RetireAsync(
        Guid id, PricingDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var rule = await db.Rules.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        var changed = await db.ChangeAsync(http, rule, $"No pricing rule {id}.", (r, now) =>
        {
            r.Retired = true;
            r.RetiredAt = now;
            return Change<PricingRuleResponse>.Unannounced;
        }, cancellationToken, isRepeat: r => r.Retired);
        return changed.Problem is { } problem ? problem : TypedResults.Ok(ToResponse(changed.Aggregate!));
    }

    /// <summary>What each kind needs (see <see cref="PricingRuleRequest"/>); a field the kind does not use must be absent.</summary>
    private static ValidationErrors Validate(PricingRuleRequest request)
    {
        var errors = new ValidationErrors();
        errors.Text(request.Name, "name", PricingLimits.Name).NoCardNumber(request.Name, "name");
        errors.Check(Enum.IsDefined(request.Kind), "kind", "SalePrice, QuantityTier or MembershipDiscount.");
        if (request.StartsAt is { } starts && request.EndsAt is { } ends)
        {
            errors.Check(starts < ends, "endsAt", "After startsAt.");
        }

        switch (request.Kind)
        {
            case PricingRuleKind.SalePrice:
                errors.Check(request.ProductId is { } product && product != Guid.Empty, "productId", "Required.");
                if (request.SalePrice is not { } price)
                {
                    errors.Add("salePrice", "Required.");
                }
                else
                {
                    errors.Check(Amounts.IsValid(price), "salePrice", "Greater than zero, at most two decimals and sixteen integer digits.");
                }

                errors.Check(Checks.IsCurrencyCode(request.Currency), "currency", "A three-letter upper-case ISO 4217 code, e.g. USD.");
                errors.Check(request.StartsAt is not null, "startsAt", "Required.");
                errors.Check(request.EndsAt is not null, "endsAt", "Required.");
                Unused(errors, request.Category, "category");
                Unused(errors, request.MinimumQuantity, "minimumQuantity");
                Unused(errors, request.Percent, "percent");
                Unused(errors, request.Membership, "membership");
                break;
            case PricingRuleKind.QuantityTier:
                errors.Check(request.MinimumQuantity is >= 2 and <= PricingLimits.MaxQuantity, "minimumQuantity",
                    $"Between 2 and {PricingLimits.MaxQuantity}.");
                CheckPercent(errors, request.Percent);
                errors.Check(request.ProductId is null || request.Category is null, "category", "A product or a category, not both.");
                errors.Check(request.ProductId != Guid.Empty, "productId", "Not the empty id.");
                if (request.Category is not null)
                {
                    errors.Text(request.Category, "category", PricingLimits.Category).NoCardNumber(request.Category, "category");
                }

                Unused(errors, request.Membership, "membership");
                Unused(errors, request.SalePrice, "salePrice");
                Unused(errors, request.Currency, "currency");
                break;
            case PricingRuleKind.MembershipDiscount:
                errors.Check(request.Membership is not null && Enum.GetNames<MembershipLevel>().Contains(request.Membership, StringComparer.OrdinalIgnoreCase),
                    "membership", "One of Standard, Silver, Gold, Platinum.");
                CheckPercent(errors, request.Percent);
                Unused(errors, request.ProductId, "productId");
                Unused(errors, request.Category, "category");
                Unused(errors, request.MinimumQuantity, "minimumQuantity");
                Unused(errors, request.SalePrice, "salePrice");
                Unused(errors, request.Currency, "currency");
                break;
        }

        return errors;
    }

    private static void CheckPercent(ValidationErrors errors, decimal? percent) =>
        errors.Check(percent is > 0 and < 100 && percent == decimal.Round(percent.Value, 2), "percent",
            "More than 0 and less than 100, at most two decimals.");

    private static void Unused<T>(ValidationErrors errors, T? value, string field) =>
        errors.Check(value is null, field, "Not used by this kind of rule; leave it out.");

    private static PricingRuleResponse ToResponse(PricingRule r) => new(
        r.Id, r.Kind, r.Name, r.ProductId, r.Category, r.MinimumQuantity, r.Percent, r.Membership, r.SalePrice, r.Currency,
        r.StartsAt, r.EndsAt, r.Retired, r.CreatedAt, r.Version);
}
