using Commerce.Promotion.Contracts;
using Commerce.Promotion.Coupons;
using Commerce.ServiceDefaults.Audit;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Promotion.Redemptions;

internal static class RedemptionEndpoints
{
    public static void MapRedemptions(this RouteGroupBuilder promotions)
    {
        // Claiming and giving back a use are the order saga's apply-promotion step and its compensation: only its
        // worker (and operators resolving a stuck order) moves them. Reading one shows whose order it is.
        var redemptions = promotions.MapGroup("/redemptions");
        redemptions.MapPost("/", ClaimAsync).RequireAuthorization(Access.SagaWorker).ProducesProblems(409, 422);
        redemptions.MapGet("/{key}", GetAsync).RequireAuthorization(Access.SagaWorker).ProducesProblems(404).AuditsOperatorReads();
        redemptions.MapPost("/{key}/release", ReleaseAsync).RequireAuthorization(Access.SagaWorker).ProducesProblems(404);
    }

    private static async Task<Results<Ok<RedemptionResponse>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string key, PromotionDbContext db, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().IdempotencyKey(key, "key");
        if (errors.Any)
        {
            return errors.Problem();
        }

        var redemption = await db.Redemptions.AsNoTracking().FirstOrDefaultAsync(r => r.Key == key, cancellationToken);
        return redemption is null ? Problems.NotFound($"No redemption with key {key}.") : TypedResults.Ok(redemption.ToResponse());
    }

    /// <summary>
    /// Claims one use: the coupon's row is locked (SELECT ... FOR UPDATE) before anything is checked, so every claim of
    /// one code runs its checks and its count one after the other, and the global and per-customer limits hold exactly
    /// however many arrive at once. The redemption, the coupon's new count and PromotionApplied commit together.
    /// </summary>
    private static async Task<Results<Created<RedemptionResponse>, Ok<RedemptionResponse>, ValidationProblem, ProblemHttpResult>> ClaimAsync(
        ClaimCouponRequest request, PromotionDbContext db, TimeProvider time, ILogger<PromotionDbContext> logger,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().IdempotencyKey(request.Key, "key").CouponCode(request.Code, "code")
            .Check(request.CustomerId != Guid.Empty, "customerId", "Required.")
            .Check(request.OrderId != Guid.Empty, "orderId", "Required.")
            .Check(CouponRules.IsAmountOrZero(request.Discount), "discount", "Zero or a positive amount in whole cents.")
            .Check(Checks.IsCurrencyCode(request.Currency), "currency", "An ISO 4217 code such as USD.");
        if (errors.Any)
        {
            return errors.Problem();
        }

        var code = CouponRules.Normalize(request.Code);
        var claim = request with { Code = code };
        var existing = await db.Redemptions.AsNoTracking().FirstOrDefaultAsync(r => r.Key == claim.Key, cancellationToken);
        if (existing is not null)
        {
            return Repeat(existing, claim);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var locked = await db.Coupons.FromSql($"SELECT * FROM promotion.coupons WHERE code = {code} FOR UPDATE").ToListAsync(cancellationToken);
        if (locked.Count == 0)
        {
            return CouponRules.NotUsable(CouponRules.Unknown);
        }

        // A claim with this key may have committed while this one waited for the lock.
        existing = await db.Redemptions.AsNoTracking().FirstOrDefaultAsync(r => r.Key == claim.Key, cancellationToken);
        if (existing is not null)
        {
            return Repeat(existing, claim);
        }

        var coupon = locked[0];
        var now = time.GetUtcNow();
        var campaign = await db.Promotions.AsNoTracking().FirstAsync(p => p.Id == coupon.PromotionId, cancellationToken);
        var tier = await CouponRules.TierOfAsync(db, claim.CustomerId, cancellationToken);
        var refusal = CouponRules.Refusal(coupon, campaign, claim.CustomerId, tier, claim.Currency, now)
                      ?? CouponRules.LimitRefusal(coupon, await CouponRules.ClaimedByAsync(db, code, claim.CustomerId, cancellationToken));
        if (refusal is not null)
        {
            logger.LogInformation("Claim {Key} refused: {Reason}", claim.Key, refusal);
            return CouponRules.NotUsable(refusal);
        }

        var redemption = new Redemption
        {
            Key = claim.Key,
            Code = code,
            PromotionId = campaign.Id,
            CustomerId = claim.CustomerId,
            OrderId = claim.OrderId,
            Discount = claim.Discount,
            Currency = claim.Currency,
            Status = RedemptionStatus.Claimed,
            ClaimedAt = now,
        };
        db.Redemptions.Add(redemption);
        coupon.Used++;
        db.AddEvent(new PromotionApplied(campaign.Id, code, claim.CustomerId, claim.OrderId, claim.Discount, claim.Currency),
            redemption.Key, redemption.Version, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (Checks.IsUniqueViolation(exception))
        {
            // The same key claimed another code at the same moment: that claim stands.
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            existing = await db.Redemptions.AsNoTracking().FirstOrDefaultAsync(r => r.Key == claim.Key, cancellationToken);
            return existing is null ? Problems.Conflict("A concurrent claim with this key failed; retry.") : Repeat(existing, claim);
        }

        logger.LogInformation("Claimed a use of a coupon of promotion {PromotionId} for order {OrderId} ({Key})",
            campaign.Id, claim.OrderId, claim.Key);
        return TypedResults.Created($"/promotions/redemptions/{Uri.EscapeDataString(claim.Key)}", redemption.ToResponse());
    }

    /// <summary>The same key again: the first claim when it asked for the same thing, else 409.</summary>
    private static Results<Created<RedemptionResponse>, Ok<RedemptionResponse>, ValidationProblem, ProblemHttpResult> Repeat(
        Redemption existing, ClaimCouponRequest request) =>
        existing.Code == request.Code && existing.CustomerId == request.CustomerId && existing.OrderId == request.OrderId
        && existing.Discount == request.Discount && existing.Currency == request.Currency
            ? TypedResults.Ok(existing.ToResponse())
            : Problems.Conflict($"Redemption key {request.Key} was already used for another code, customer, order or discount.");

    /// <summary>
    /// Claimed → Released with a conditional UPDATE, so a repeated or concurrent release gives the use back once;
    /// the coupon's count, the redemption and PromotionUseReleased commit together. A repeat answers it unchanged.
    /// </summary>
    private static async Task<Results<Ok<RedemptionResponse>, ValidationProblem, ProblemHttpResult>> ReleaseAsync(
        string key, PromotionDbContext db, TimeProvider time, ILogger<PromotionDbContext> logger, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().IdempotencyKey(key, "key");
        if (errors.Any)
        {
            return errors.Problem();
        }

        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var released = await db.Redemptions
            .Where(r => r.Key == key && r.Status == RedemptionStatus.Claimed)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RedemptionStatus.Released)
                .SetProperty(r => r.ReleasedAt, now)
                .SetProperty(r => r.Version, r => r.Version + 1), cancellationToken);
        if (released == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            var current = await db.Redemptions.AsNoTracking().FirstOrDefaultAsync(r => r.Key == key, cancellationToken);
            return current is null ? Problems.NotFound($"No redemption with key {key}.") : TypedResults.Ok(current.ToResponse());
        }

        var redemption = await db.Redemptions.AsNoTracking().FirstAsync(r => r.Key == key, cancellationToken);
        await db.Coupons.Where(c => c.Code == redemption.Code)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Used, c => c.Used - 1), cancellationToken);
        db.AddEvent(new PromotionUseReleased(redemption.PromotionId, redemption.Code, redemption.CustomerId, redemption.OrderId),
            key, redemption.Version, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Released the use claimed as {Key} (order {OrderId})", key, redemption.OrderId);
        return TypedResults.Ok(redemption.ToResponse());
    }
}
