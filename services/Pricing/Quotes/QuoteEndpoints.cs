using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Commerce.Customer.Contracts;
using Commerce.Pricing.Caches;
using Commerce.Pricing.Contracts;
using Commerce.Product.Contracts;
using Commerce.Promotion.Contracts;
using Commerce.Rules;
using Commerce.ServiceDefaults.Security;
using Microsoft.Extensions.Configuration;
using Refit;

namespace Commerce.Pricing.Quotes;

/// <summary>Quotes: prices calculated on demand from Pricing's caches and rules, kept so Order can snapshot them.</summary>
internal static partial class QuoteEndpoints
{
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(30);

    public static void MapQuotes(this RouteGroupBuilder pricing)
    {
        // A customer prices their own lines; the cart prices any customer's on every read.
        pricing.MapPost("/quotes", CreateAsync).WithName("CreateQuote")
            .RequireAuthorization(Access.CustomersAnd(Clients.For("ShoppingCart"))).ProducesProblems(404, 422, 503);
        // Order snapshots a quote's prices; the cart shows it.
        pricing.MapGet("/quotes/{id:guid}", GetAsync).WithName("GetQuote")
            .RequireAuthorization(Access.CustomersAnd(Clients.For("Order"), Clients.For("ShoppingCart"))).ProducesProblems(404);
    }

    private static async Task<Results<Created<QuoteResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateQuoteRequest request,
        Caller caller,
        PricingDbContext db,
        TimeProvider clock,
        IConfiguration configuration,
        [FromKeyedServices(PricingContext.Name)] IProductApi products,
        [FromKeyedServices(PricingContext.Name)] IPromotionApi promotions,
        ILogger<PricingDbContext> logger,
        CancellationToken cancellationToken)
    {
        var errors = Validate(request);
        if (errors.Any)
        {
            return errors.Problem();
        }

        // A customer quotes for themself only; any other id is answered as one that does not exist.
        if (caller.IsCustomer && !caller.MayActFor(request.CustomerId))
        {
            return Problems.NotFound($"No customer {request.CustomerId}.");
        }

        // PostgreSQL keeps microseconds: the quote answered now is the quote read back later, to the tick.
        var now = PricingLimits.Stored(clock.GetUtcNow());
        var ids = request.Lines.Select(l => l.ProductId).ToList();
        var cached = await db.Products.AsNoTracking().Where(p => ids.Contains(p.ProductId)).ToDictionaryAsync(p => p.ProductId, cancellationToken);
        foreach (var missing in ids.Where(id => !cached.ContainsKey(id)).ToList())
        {
            // A product created before Pricing subscribed (or whose event is still on its way): ask its owner once.
            var fetched = await FetchProductAsync(db, products, missing, now, logger, cancellationToken);
            if (fetched.Problem is { } problem)
            {
                return problem;
            }

            if (fetched.Product is { } product)
            {
                cached[missing] = product;
            }
        }

        foreach (var id in ids)
        {
            if (!cached.TryGetValue(id, out var product))
            {
                return Problems.Unprocessable($"Product {id} does not exist.", "Unknown product");
            }

            if (product.Status != ProductStatus.Active)
            {
                return Problems.Unprocessable($"Product {id} is {product.Status} and cannot be priced.", "Product not active");
            }
        }

        var currencies = cached.Values.Select(p => p.Currency).Distinct(StringComparer.Ordinal).ToList();
        if (currencies.Count > 1)
        {
            return Problems.Unprocessable($"The products are priced in more than one currency ({string.Join(", ", currencies)}); quote them apart.",
                "Mixed currencies");
        }

        var currency = currencies[0];
        var membership = await db.Memberships.AsNoTracking().Where(m => m.CustomerId == request.CustomerId)
            .Select(m => (MembershipLevel?)m.Membership).FirstOrDefaultAsync(cancellationToken) ?? MembershipLevel.Standard;
        var level = membership.ToString();
        var rules = await db.Rules.AsNoTracking()
            .Where(r => !r.Retired
                        && (r.StartsAt == null || r.StartsAt <= now) && (r.EndsAt == null || r.EndsAt > now)
                        && (r.Kind == PricingRuleKind.QuantityTier
                            || (r.Kind == PricingRuleKind.SalePrice && ids.Contains(r.ProductId!.Value))
                            || (r.Kind == PricingRuleKind.MembershipDiscount && r.Membership == level)))
            .ToListAsync(cancellationToken);
        var automatic = await db.Promotions.AsNoTracking()
            .Where(p => p.Active && !p.RequiresCoupon && p.Terms != null && p.StartsAt <= now && p.EndsAt > now)
            .OrderBy(p => p.StartsAt).ThenBy(p => p.PromotionId)
            .ToListAsync(cancellationToken);

        var lines = QuoteCalculator.PriceLines([.. request.Lines.Select(l => (cached[l.ProductId], l.Quantity))], membership, rules, now);
        var applicable = automatic
            .Select(p => new QuotePromotion(p.PromotionId, p.Name, JsonSerializer.Deserialize<PromotionTerms>(p.Terms!, CommerceJson.Options)!, null))
            .ToList();

        string? couponCode = null;
        if (request.CouponCode is not null)
        {
            couponCode = request.CouponCode.ToUpperInvariant();
            CouponValidation coupon;
            try
            {
                coupon = await promotions.ValidateCouponAsync(new ValidateCouponRequest(couponCode, request.CustomerId, currency,
                    [.. lines.Select(l => new CouponCheckLine(l.Product.ProductId, l.Product.Category, l.Remaining))]), cancellationToken);
            }
            catch (ApiException exception) when (exception.StatusCode == HttpStatusCode.UnprocessableEntity)
            {
                return Problems.Unprocessable(DetailOf(exception) ?? $"Coupon {couponCode} cannot be used.", "Coupon not usable");
            }
            catch (Exception exception) when (exception is ApiException or HttpRequestException or TaskCanceledException
                                                  && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Promotion unreachable while validating a coupon");
                return Problems.Unavailable("Promotion unavailable", "The coupon could not be checked; nothing was stored. Retry later.");
            }

            // The coupon's promotion applies once, in the coupon's place (last), never also as an automatic one.
            applicable.RemoveAll(p => p.Id == coupon.PromotionId);
            applicable.Add(new QuotePromotion(coupon.PromotionId, coupon.PromotionName, coupon.Terms, couponCode));
        }

        var totals = QuoteCalculator.ApplyPromotions(lines, currency, membership, applicable);
        if (totals.Subtotal >= Amounts.Limit || totals.Total >= Amounts.Limit)
        {
            return Problems.Unprocessable($"The quote's total exceeds what can be charged ({Amounts.Limit} {currency}).", "Total too large");
        }

        var quote = new Quote
        {
            Id = Guid.CreateVersion7(),
            CustomerId = request.CustomerId,
            Currency = currency,
            Lines = JsonSerializer.Serialize(totals.Lines, CommerceJson.Options),
            OrderAdjustments = JsonSerializer.Serialize(totals.OrderAdjustments, CommerceJson.Options),
            Promotions = JsonSerializer.Serialize(totals.Promotions, CommerceJson.Options),
            Subtotal = totals.Subtotal,
            Total = totals.Total,
            CouponCode = couponCode,
            CreatedAt = now,
            ExpiresAt = now + (configuration.GetValue<TimeSpan?>("Pricing:QuoteLifetime") ?? DefaultLifetime),
        };
        db.Quotes.Add(quote);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/pricing/quotes/{quote.Id}", ToResponse(quote));
    }

    private static async Task<Results<Ok<QuoteResponse>, ProblemHttpResult>> GetAsync(
        Guid id, Caller caller, PricingDbContext db, CancellationToken cancellationToken)
    {
        var quote = await db.Quotes.AsNoTracking().FirstOrDefaultAsync(q => q.Id == id, cancellationToken);
        if (quote is null || (caller.IsCustomer && !caller.MayActFor(quote.CustomerId)))
        {
            return Problems.NotFound($"No quote {id}.");
        }

        return TypedResults.Ok(ToResponse(quote));
    }

    private static ValidationErrors Validate(CreateQuoteRequest request)
    {
        var errors = new ValidationErrors()
            .Check(request.CustomerId != Guid.Empty, "customerId", "Required.")
            .Check(request.Lines.Count is > 0 and <= CreateQuoteRequest.MaxLines, "lines", $"Between 1 and {CreateQuoteRequest.MaxLines} lines.")
            .Check(request.Lines.Where(l => l is not null).Select(l => l.ProductId).Distinct().Count() == request.Lines.Count, "lines",
                "Each product at most once.");
        for (var i = 0; i < Math.Min(request.Lines.Count, CreateQuoteRequest.MaxLines); i++)
        {
            if (request.Lines[i] is null)
            {
                errors.Add($"lines[{i}]", "Required.");
                continue;
            }

            errors.Check(request.Lines[i].ProductId != Guid.Empty, $"lines[{i}].productId", "Required.")
                .Check(request.Lines[i].Quantity is > 0 and <= PricingLimits.MaxQuantity, $"lines[{i}].quantity",
                    $"Between 1 and {PricingLimits.MaxQuantity}.");
        }

        // Checked before Promotion is asked, and never echoed: a mistyped card number must not travel or be logged.
        if (request.CouponCode is not null)
        {
            errors.Check(CouponCode().IsMatch(request.CouponCode), "couponCode", "Letters, digits, '-' and '_', 3 to 32 characters.")
                .NoCardNumber(request.CouponCode, "couponCode");
        }

        return errors;
    }

    /// <summary>The product from its owner, cached; null when the owner does not know it.</summary>
    private static async Task<(CachedProduct? Product, ProblemHttpResult? Problem)> FetchProductAsync(
        PricingDbContext db, IProductApi products, Guid id, DateTimeOffset now, ILogger logger, CancellationToken cancellationToken)
    {
        ProductResponse product;
        try
        {
            product = await products.GetProductAsync(id, cancellationToken);
        }
        catch (ApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return (null, null);
        }
        catch (Exception exception) when (exception is ApiException or HttpRequestException or TaskCanceledException
                                              && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(exception, "Product unreachable while pricing product {ProductId}", id);
            return (null, Problems.Unavailable("Product unavailable", "A product could not be looked up; nothing was stored. Retry later."));
        }

        await CacheHandlers.ApplyProductAsync(db, id, CacheHandlers.StateOf(product), product.Version, now, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (Checks.IsUniqueViolation(exception))
        {
            // Its event (or a concurrent quote) cached it first: that copy is as good.
        }

        db.ChangeTracker.Clear();
        return (new CachedProduct
        {
            ProductId = id,
            Sku = product.Sku,
            Name = product.Name,
            Category = product.Category,
            Price = product.Price,
            Currency = product.Currency,
            Status = product.Status,
            SourceVersion = product.Version,
            UpdatedAt = now,
        }, null);
    }

    /// <summary>Promotion's reason (its problem's detail), passed on to the caller.</summary>
    private static string? DetailOf(ApiException exception)
    {
        if (exception.Content is not { Length: > 0 } content)
        {
            return null;
        }

        try
        {
            using var problem = JsonDocument.Parse(content);
            return problem.RootElement.ValueKind == JsonValueKind.Object && problem.RootElement.TryGetProperty("detail", out var detail)
                                                                          && detail.ValueKind == JsonValueKind.String
                ? detail.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static QuoteResponse ToResponse(Quote q) => new(
        q.Id,
        q.CustomerId,
        q.Currency,
        JsonSerializer.Deserialize<List<QuoteLine>>(q.Lines, CommerceJson.Options)!,
        q.Subtotal,
        JsonSerializer.Deserialize<List<PriceAdjustment>>(q.OrderAdjustments, CommerceJson.Options)!,
        q.Total,
        JsonSerializer.Deserialize<List<AppliedPromotion>>(q.Promotions, CommerceJson.Options)!,
        q.CouponCode,
        q.CreatedAt,
        q.ExpiresAt);

    [GeneratedRegex(@"^[A-Za-z0-9_-]{3,32}\z")]
    private static partial Regex CouponCode();
}
