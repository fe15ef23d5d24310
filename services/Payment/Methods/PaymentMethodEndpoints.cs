using Commerce.Customer.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Payment.Gateway;
using Commerce.ServiceDefaults.Audit;
using Commerce.ServiceDefaults.Security;
using Refit;

namespace Commerce.Payment.Methods;

public static class PaymentMethodEndpoints
{
    public static IEndpointRouteBuilder MapPaymentMethods(this IEndpointRouteBuilder routes)
    {
        var methods = routes.MapContextGroup("Payment", "/payments/methods").AuditsOperatorReads();
        // A customer's own cards (another's answer 404); the Checkout API relays its caller's token to read one.
        methods.MapPost("/", Add).WithName("AddPaymentMethod").RequireAuthorization(Access.Customers).ProducesProblems(404, 422, 503);
        methods.MapGet("/{id:guid}", Get).WithName("GetPaymentMethod").RequireAuthorization(Access.Customers).ProducesProblems(404);
        methods.MapGet("/", List).WithName("ListPaymentMethods").RequireAuthorization(Access.Customers);
        methods.MapDelete("/{id:guid}", Remove).WithName("RemovePaymentMethod").RequireAuthorization(Access.Customers).AcceptsIfMatch().ProducesProblems(404);
        return routes;
    }

    /// <summary>
    /// Customer, the customers' owner, is asked first: an unknown or deleted customer is a 422 (the route exists; the
    /// customer the body names does not), and no answer from Customer is a 503. Either way the card never reaches the
    /// gateway and nothing is written.
    /// </summary>
    private static async Task<Results<Created<PaymentMethodResponse>, ValidationProblem, ProblemHttpResult>> Add(
        AddPaymentMethodRequest request,
        PaymentDbContext db,
        [FromKeyedServices(PaymentContext.Name)] ICustomerApi customers,
        IPaymentGateway gateway,
        TokenProtector protector,
        TimeProvider clock,
        Caller caller,
        ILogger<PaymentDbContext> logger,
        CancellationToken cancellationToken)
    {
        // Error messages never echo the number back: it must not reach logs or clients' error reports either.
        var validation = new ValidationErrors();
        if (request.CustomerId == Guid.Empty)
        {
            validation.Add("customerId", "Required.");
        }

        var number = request.CardNumber?.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (number is null || !CardBrands.IsValidNumber(number))
        {
            validation.Add("cardNumber", "Not a valid card number.");
        }

        if (request.ExpiryMonth is < 1 or > 12)
        {
            validation.Add("expiryMonth", "Between 1 and 12.");
        }

        if (request.ExpiryYear is < 2000 or > 2100)
        {
            validation.Add("expiryYear", "A four-digit year.");
        }

        if (request.SecurityCode is not null && (request.SecurityCode.Length is < 3 or > 4 || !request.SecurityCode.All(char.IsAsciiDigit)))
        {
            validation.Add("securityCode", "Three or four digits.");
        }

        if (validation.Any)
        {
            return validation.Problem();
        }

        // A customer saves cards for themself only; any other id is answered as one that does not exist.
        if (!caller.MayActFor(request.CustomerId))
        {
            return Problems.NotFound($"No customer {request.CustomerId}.");
        }

        var now = clock.GetUtcNow();
        if (IsExpired(request.ExpiryMonth, request.ExpiryYear, now))
        {
            return Problems.Unprocessable("The card has expired.");
        }

        try
        {
            // Customer answers 404 for deleted customers too; the status is checked as well in case it ever does not.
            if ((await customers.GetCustomerAsync(request.CustomerId, cancellationToken)).Status == CustomerStatus.Deleted)
            {
                return Problems.Unprocessable($"Customer {request.CustomerId} does not exist.");
            }
        }
        catch (ApiException exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return Problems.Unprocessable($"Customer {request.CustomerId} does not exist.");
        }
        catch (Exception exception) when (exception is ApiExceptionBase or HttpRequestException or TaskCanceledException
                                              && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Customer unreachable while adding a payment method for customer {CustomerId}: {Error}", request.CustomerId, exception.Message);
            return Problems.Unavailable(
                "Customer unavailable", $"The customer could not be checked; nothing was saved. Retry after {Problems.RetryAfterSeconds} seconds.");
        }

        CardToken token;
        try
        {
            token = await gateway.TokenizeAsync(
                new CardDetails(number!, request.ExpiryMonth, request.ExpiryYear, request.SecurityCode), cancellationToken);
        }
        catch (PaymentGatewayUnavailableException exception)
        {
            logger.LogWarning("Tokenization failed for customer {CustomerId}: {FailureCode}", request.CustomerId, exception.Code);
            return PaymentProblems.Unavailable(exception);
        }

        var method = new PaymentMethod
        {
            Id = Guid.CreateVersion7(),
            CustomerId = request.CustomerId,
            Brand = token.Brand,
            Last4 = token.Last4,
            ExpiryMonth = request.ExpiryMonth,
            ExpiryYear = request.ExpiryYear,
            EncryptedToken = protector.Protect(token.Token),
            CreatedAt = now,
        };
        db.PaymentMethods.Add(method);
        db.AddEvent(
            new PaymentMethodAdded(method.Id, method.CustomerId, method.Brand, method.Last4, method.ExpiryMonth, method.ExpiryYear),
            method.Id,
            method.Version,
            now);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation(
            "Added payment method {PaymentMethodId} ({Brand} ending {Last4}) for customer {CustomerId}",
            method.Id, method.Brand, method.Last4, method.CustomerId);
        return TypedResults.Created($"/payments/methods/{method.Id}", ToResponse(method));
    }

    private static async Task<Results<Ok<PaymentMethodResponse>, ProblemHttpResult>> Get(
        Guid id, Caller caller, PaymentDbContext db, CancellationToken cancellationToken)
    {
        var method = await db.PaymentMethods.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        return method is null || !caller.MayActFor(method.CustomerId) ? Problems.NotFound($"No payment method {id}.") : TypedResults.Ok(ToResponse(method));
    }

    /// <summary>
    /// Another customer's cards are an empty list to a customer, the same as a customer with none, so the answer tells
    /// nothing about others.
    /// </summary>
    private static async Task<Results<Ok<List<PaymentMethodResponse>>, ValidationProblem>> List(
        Guid? customerId, Caller caller, PaymentDbContext db, CancellationToken cancellationToken)
    {
        if (customerId is null || customerId == Guid.Empty)
        {
            return Problems.Validation("customerId", "Required.");
        }

        if (!caller.MayActFor(customerId.Value))
        {
            return TypedResults.Ok(new List<PaymentMethodResponse>());
        }

        var methods = await db.PaymentMethods.AsNoTracking()
            .Where(m => m.CustomerId == customerId && !m.Removed)
            .OrderBy(m => m.CreatedAt)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(methods.Select(ToResponse).ToList());
    }

    /// <summary>Removing a removed method again is an idempotent repeat (204).</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(
        Guid id, Caller caller, PaymentDbContext db, HttpContext context, CancellationToken cancellationToken)
    {
        var method = await db.PaymentMethods.FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (method is not null && !caller.MayActFor(method.CustomerId))
        {
            return Problems.NotFound($"No payment method {id}.");
        }

        var changed = await db.ChangeAsync(context, method, $"No payment method {id}.", (m, _) =>
        {
            m.Removed = true;
            return Change.Publish(new PaymentMethodRemoved(m.Id, m.CustomerId));
        }, cancellationToken, isRepeat: m => m.Removed);
        return changed.Problem is { } problem ? problem : TypedResults.NoContent();
    }

    internal static bool IsExpired(int month, int year, DateTimeOffset now) =>
        year < now.Year || (year == now.Year && month < now.Month);

    internal static PaymentMethodResponse ToResponse(PaymentMethod m) =>
        new(m.Id, m.CustomerId, m.Brand, m.Last4, m.ExpiryMonth, m.ExpiryYear, m.Removed, m.Version);
}
