using System.Text.RegularExpressions;
using Commerce.Seller.Contracts;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Seller.Profiles;

public static partial class SellerEndpoints
{
    public static RouteGroupBuilder MapSellers(this RouteGroupBuilder sellers)
    {
        // A signed-in customer's own account becomes the seller: operators pass the policy only to be told they have
        // no account to register (403), since a seller registered on someone's behalf would be managed by nobody.
        sellers.MapPost("/", RegisterAsync).WithName("RegisterSeller").ProducesProblems(403, 409).RequireAuthorization(Access.Customers);
        sellers.MapGet("/me", GetMineAsync).WithName("GetMySeller").ProducesProblems(404).RequireAuthorization(Access.Sellers);
        sellers.MapGet("/{id:guid}", GetAsync).WithName("GetSeller").ProducesProblems(404).RequireAuthorization(Access.Sellers);
        // What a product page shows of its seller: public fields only.
        sellers.MapGet("/{id:guid}/storefront", GetStorefrontAsync).WithName("GetSellerStorefront").ProducesProblems(404).AllowAnonymous();
        sellers.MapGet("/", ListAsync).WithName("ListSellers").ProducesProblems(400).RequireAuthorization(Access.Operators);
        sellers.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateSeller").AcceptsIfMatch().ProducesProblems(404, 422)
            .RequireAuthorization(Access.Sellers);
        sellers.MapPost("/{id:guid}/suspend", SuspendAsync).WithName("SuspendSeller").AcceptsIfMatch().ProducesProblems(404)
            .RequireAuthorization(Access.Operators);
        sellers.MapPost("/{id:guid}/reinstate", ReinstateAsync).WithName("ReinstateSeller").AcceptsIfMatch().ProducesProblems(404)
            .RequireAuthorization(Access.Operators);
        return sellers;
    }

    private static async Task<Results<Created<SellerResponse>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        RegisterSellerRequest request, SellerDbContext db, Caller caller, TimeProvider time, HttpContext http,
        ILogger<SellerDbContext> logger, CancellationToken cancellationToken)
    {
        var errors = Validate(request.DisplayName, request.ContactEmail, request.ContactPhone, request.Description);
        if (errors.Any)
        {
            return errors.Problem();
        }

        if (caller.CustomerId is not { } accountId)
        {
            return TypedResults.Problem(
                "Only a signed-in customer registers, as the seller its own account manages; operators have no account to register.",
                statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        if (await db.Sellers.AnyAsync(s => s.AccountId == accountId, cancellationToken))
        {
            return Problems.Conflict("This account is already a seller.");
        }

        var seller = Register(db, Guid.CreateVersion7(), accountId, request, time.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (Checks.IsUniqueViolation(exception))
        {
            return Problems.Conflict("This account is already a seller.");
        }

        logger.LogInformation("Account {AccountId} registered as seller {SellerId}", accountId, seller.Id);
        http.Response.Headers.ETag = ETags.For(seller.Version);
        return TypedResults.Created($"/sellers/{seller.Id}", seller.ToResponse());
    }

    /// <summary>A new active seller and its SellerRegistered, added to <paramref name="db"/> unsaved (registration and the demo seed).</summary>
    internal static SellerProfile Register(SellerDbContext db, Guid id, Guid accountId, RegisterSellerRequest request, DateTimeOffset now)
    {
        var seller = new SellerProfile
        {
            Id = id,
            AccountId = accountId,
            DisplayName = request.DisplayName.Trim(),
            ContactEmail = request.ContactEmail.Trim(),
            ContactPhone = Optional(request.ContactPhone),
            Description = Optional(request.Description),
            Status = SellerStatus.Active,
            RegisteredAt = now,
            UpdatedAt = now,
        };
        db.Sellers.Add(seller);
        db.AddEvent(new SellerRegistered(seller.Id, seller.State), seller.Id, seller.Version, now);
        return seller;
    }

    private static async Task<Results<Ok<SellerResponse>, ProblemHttpResult>> GetMineAsync(
        SellerDbContext db, Caller caller, HttpContext http, CancellationToken cancellationToken)
    {
        // An operator is no seller; a seller's token names its seller.
        var seller = caller.SellerId is { } id
            ? await db.Sellers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken)
            : null;
        if (seller is null)
        {
            return Problems.NotFound("The caller is no seller.");
        }

        http.Response.Headers.ETag = ETags.For(seller.Version);
        return TypedResults.Ok(seller.ToResponse());
    }

    private static async Task<Results<Ok<SellerResponse>, ProblemHttpResult>> GetAsync(
        Guid id, SellerDbContext db, Caller caller, HttpContext http, CancellationToken cancellationToken)
    {
        // Another seller's profile answers as a missing one, so ids cannot be probed.
        var seller = caller.MayActForSeller(id) ? await db.Sellers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken) : null;
        if (seller is null)
        {
            return Problems.NotFound($"No seller {id}.");
        }

        http.Response.Headers.ETag = ETags.For(seller.Version);
        return TypedResults.Ok(seller.ToResponse());
    }

    private static async Task<Results<Ok<SellerStorefront>, ProblemHttpResult>> GetStorefrontAsync(
        Guid id, SellerDbContext db, CancellationToken cancellationToken)
    {
        var seller = await db.Sellers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        return seller is null ? Problems.NotFound($"No seller {id}.") : TypedResults.Ok(seller.ToStorefront());
    }

    private static async Task<Results<Ok<SellerPage>, ValidationProblem>> ListAsync(
        SellerStatus? status, int? page, int? pageSize, SellerDbContext db, CancellationToken cancellationToken)
    {
        var (number, size) = (page ?? 1, pageSize ?? SellerLimits.PageSize);
        var errors = new ValidationErrors()
            .Check(number is >= 1 and <= 100_000, "page", "Between 1 and 100000.")
            .Check(size is >= 1 and <= SellerLimits.PageSizeMax, "pageSize", $"Between 1 and {SellerLimits.PageSizeMax}.")
            .Check(status is null || Enum.IsDefined(status.Value), "status", "Active or Suspended.");
        if (errors.Any)
        {
            return errors.Problem();
        }

        var query = db.Sellers.AsNoTracking();
        if (status is { } wanted)
        {
            query = query.Where(s => s.Status == wanted);
        }

        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(s => s.RegisteredAt).ThenBy(s => s.Id)
            .Skip((number - 1) * size).Take(size).ToListAsync(cancellationToken);
        return TypedResults.Ok(new SellerPage([.. items.Select(s => s.ToResponse())], number, size, total));
    }

    /// <summary>The seller itself (while active) or an operator replaces the profile's fields.</summary>
    private static async Task<Results<Ok<SellerResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, UpdateSellerRequest request, SellerDbContext db, Caller caller, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = Validate(request.DisplayName, request.ContactEmail, request.ContactPhone, request.Description);
        if (errors.Any)
        {
            return errors.Problem();
        }

        var seller = caller.MayActForSeller(id) ? await db.Sellers.FirstOrDefaultAsync(s => s.Id == id, cancellationToken) : null;
        var changed = await db.ChangeAsync(http, seller, $"No seller {id}.", (s, now) =>
        {
            if (s.Status == SellerStatus.Suspended && !caller.IsOperator)
            {
                return Problems.Unprocessable("A suspended seller cannot change its profile; an operator can.");
            }

            var (name, email, phone, description) =
                (request.DisplayName.Trim(), request.ContactEmail.Trim(), Optional(request.ContactPhone), Optional(request.Description));
            if (s.DisplayName == name && s.ContactEmail == email && s.ContactPhone == phone && s.Description == description)
            {
                return Change<SellerProfileUpdated>.None;
            }

            (s.DisplayName, s.ContactEmail, s.ContactPhone, s.Description, s.UpdatedAt) = (name, email, phone, description, now);
            return Change.Publish(new SellerProfileUpdated(s.Id, s.State));
        }, cancellationToken);
        return changed.Problem is { } problem ? problem : TypedResults.Ok(changed.Aggregate!.ToResponse());
    }

    /// <summary>Active → Suspended; suspending a suspended seller is the idempotent repeat (its first reason stays).</summary>
    private static async Task<Results<Ok<SellerResponse>, ValidationProblem, ProblemHttpResult>> SuspendAsync(
        Guid id, SuspendSellerRequest request, SellerDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().Text(request.Reason, "reason", SellerLimits.Reason).NoCardNumber(request.Reason, "reason");
        if (errors.Any)
        {
            return errors.Problem();
        }

        var seller = await db.Sellers.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        var changed = await db.ChangeAsync(http, seller, $"No seller {id}.", (s, now) =>
            {
                (s.Status, s.SuspensionReason, s.UpdatedAt) = (SellerStatus.Suspended, request.Reason.Trim(), now);
                return Change.Publish(new SellerSuspended(s.Id, s.SuspensionReason, s.State));
            },
            cancellationToken,
            isRepeat: s => s.Status == SellerStatus.Suspended);
        return changed.Problem is { } problem ? problem : TypedResults.Ok(changed.Aggregate!.ToResponse());
    }

    /// <summary>Suspended → Active; reinstating an active seller is the idempotent repeat.</summary>
    private static async Task<Results<Ok<SellerResponse>, ProblemHttpResult>> ReinstateAsync(
        Guid id, SellerDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var seller = await db.Sellers.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        var changed = await db.ChangeAsync(http, seller, $"No seller {id}.", (s, now) =>
            {
                (s.Status, s.SuspensionReason, s.UpdatedAt) = (SellerStatus.Active, null, now);
                return Change.Publish(new SellerReinstated(s.Id, s.State));
            },
            cancellationToken,
            isRepeat: s => s.Status == SellerStatus.Active);
        return changed.Problem is { } problem ? problem : TypedResults.Ok(changed.Aggregate!.ToResponse());
    }

    private static ValidationErrors Validate(string? displayName, string? contactEmail, string? contactPhone, string? description)
    {
        var errors = new ValidationErrors()
            .Text(displayName, "displayName", SellerLimits.DisplayName).NoCardNumber(displayName, "displayName")
            .Text(contactEmail, "contactEmail", SellerLimits.Email);
        if (!string.IsNullOrWhiteSpace(contactEmail) && !Checks.IsEmailAddress(contactEmail))
        {
            errors.Add("contactEmail", "Not an e-mail address.");
        }

        errors.Check(string.IsNullOrWhiteSpace(contactPhone) || PhonePattern().IsMatch(contactPhone.Trim()), "contactPhone",
            $"At most {SellerLimits.Phone} digits, '+', spaces or dashes, with at least one digit.");
        return errors
            .Check(description is null || description.Length <= SellerLimits.Description, "description",
                $"At most {SellerLimits.Description} characters.")
            .NoCardNumber(description, "description");
    }

    private static string? Optional(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    [GeneratedRegex(@"^(?=.*[0-9])[0-9+ \-]{1,30}$")]
    private static partial Regex PhonePattern();
}
