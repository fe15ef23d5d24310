using System.Globalization;
using Commerce.Payment.Contracts;
using Commerce.Payment.Gateway;
using Commerce.Payment.Methods;
using Commerce.Rules;
using Microsoft.AspNetCore.Mvc;

namespace Commerce.Payment.Transactions;

/// <summary>
/// Authorize, capture, void and refund. Each takes an <c>Idempotency-Key</c>: the key is stored with the
/// transaction it produced (unique), so a repeat returns the original outcome and the gateway is not called again.
/// Retryable gateway trouble writes nothing, so a retry with the same key really retries.
/// </summary>
public static class PaymentEndpoints
{
    private const string IdempotencyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapPayments(this IEndpointRouteBuilder routes)
    {
        var payments = routes.MapContextGroup("Payment", "/payments");
        payments.MapPost("/authorizations", Authorize).WithName("AuthorizePayment").ProducesProblems(409, 422, 503);
        payments.MapPost("/{id:guid}/capture", Capture).WithName("CapturePayment").AcceptsIfMatch().ProducesProblems(404, 422, 503);
        payments.MapPost("/{id:guid}/void", Void).WithName("VoidPayment").AcceptsIfMatch().ProducesProblems(404, 422, 503);
        payments.MapPost("/{id:guid}/refunds", Refund).WithName("RefundPayment").AcceptsIfMatch().ProducesProblems(404, 422, 503);
        payments.MapGet("/{id:guid}", Get).WithName("GetPayment").ProducesProblems(404);
        payments.MapGet("/", List).WithName("ListPayments");
        payments.MapPost("/gateway/outage", SetOutage).WithName("SetGatewayOutage").WithTags("Operator").ProducesProblems(404);
        return routes;
    }

    private static async Task<Results<Created<PaymentResponse>, ValidationProblem, ProblemHttpResult>> Authorize(
        AuthorizePaymentRequest request,
        [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey,
        PaymentDbContext db,
        IPaymentGateway gateway,
        TokenProtector protector,
        TimeProvider clock,
        ILogger<PaymentDbContext> logger,
        CancellationToken cancellationToken)
    {
        var validation = new ValidationErrors();
        ValidateKey(validation, idempotencyKey);
        if (request.OrderId == Guid.Empty)
        {
            validation.Add("orderId", "Required.");
        }

        if (request.PaymentMethodId == Guid.Empty)
        {
            validation.Add("paymentMethodId", "Required.");
        }

        ValidateAmount(validation, "amount", request.Amount);
        validation.Check(Checks.IsCurrencyCode(request.Currency), "currency", "A three-letter upper-case ISO 4217 code, e.g. USD.");
        if (validation.Any)
        {
            return validation.Problem();
        }

        var fingerprint = Fingerprint("authorize", request.OrderId, request.PaymentMethodId, request.Amount, request.Currency);
        var earlier = await ReplayAsync(db, idempotencyKey!, TransactionKind.Authorize, null, fingerprint, cancellationToken);
        if (earlier is not null)
        {
            return earlier;
        }

        var method = await db.PaymentMethods.AsNoTracking()
            .FirstOrDefaultAsync(m => m.Id == request.PaymentMethodId, cancellationToken);
        if (method is null || method.Removed)
        {
            return Problems.Unprocessable($"No usable payment method {request.PaymentMethodId}.");
        }

        var now = clock.GetUtcNow();
        if (PaymentMethodEndpoints.IsExpired(method.ExpiryMonth, method.ExpiryYear, now))
        {
            return Problems.Unprocessable("The card has expired.");
        }

        GatewayResult result;
        try
        {
            result = await gateway.AuthorizeAsync(
                protector.Unprotect(method.EncryptedToken), request.Amount, request.Currency, idempotencyKey!, cancellationToken);
        }
        catch (PaymentGatewayUnavailableException exception)
        {
            logger.LogWarning(
                "Authorization for order {OrderId} not answered by the gateway: {FailureCode}", request.OrderId, exception.Code);
            return PaymentProblems.Unavailable(exception);
        }

        var payment = new CardPayment
        {
            Id = Guid.CreateVersion7(),
            OrderId = request.OrderId,
            CustomerId = method.CustomerId,
            PaymentMethodId = method.Id,
            Amount = request.Amount,
            Currency = request.Currency,
            Status = result.Approved ? PaymentStatus.Authorized : PaymentStatus.Failed,
            FailureCode = result.FailureCode,
            GatewayReference = result.Reference,
            CreatedAt = now,
            UpdatedAt = now,
        };
        payment.Transactions.Add(NewTransaction(payment, TransactionKind.Authorize, request.Amount, result, idempotencyKey!, fingerprint, now));
        db.Payments.Add(payment);
        if (result.Approved)
        {
            db.AddEvent(
                new PaymentAuthorized(payment.Id, payment.OrderId, payment.CustomerId, payment.Amount, payment.Currency),
                payment.Id, payment.Version, now);
        }
        else
        {
            db.AddEvent(
                new PaymentFailed(payment.Id, payment.OrderId, payment.CustomerId, payment.Amount, payment.Currency, result.FailureCode!),
                payment.Id, payment.Version, now);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (Checks.IsUniqueViolation(exception))
        {
            // A concurrent request with the same key won; answer as it did.
            db.ChangeTracker.Clear();
            return await ReplayAsync(db, idempotencyKey!, TransactionKind.Authorize, null, fingerprint, cancellationToken)
                   ?? throw new InvalidOperationException("The idempotency key's transaction vanished.", exception);
        }

        logger.LogInformation(
            "Authorization {PaymentId} for order {OrderId}: {Status} {FailureCode}",
            payment.Id, payment.OrderId, payment.Status, payment.FailureCode);
        return Outcome(payment);
    }

    private static Task<Results<Created<PaymentResponse>, ValidationProblem, ProblemHttpResult>> Capture(
        Guid id,
        CapturePaymentRequest request,
        [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey,
        PaymentDbContext db,
        IPaymentGateway gateway,
        ILogger<PaymentDbContext> logger,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var validation = new ValidationErrors();
        if (request.Amount is { } requested)
        {
            ValidateAmount(validation, "amount", requested);
        }

        return ChangeAsync(
            id, TransactionKind.Capture, Fingerprint("capture", id, request.Amount), idempotencyKey, validation, db, logger, context,
            async (payment, key) =>
            {
                if (payment.Status != PaymentStatus.Authorized)
                {
                    return Problems.Conflict($"Payment {id} is {payment.Status}; only an authorized payment can be captured.");
                }

                var amount = request.Amount ?? payment.Amount;
                if (amount > payment.Amount)
                {
                    return Problems.Unprocessable($"Cannot capture {amount}: only {payment.Amount} was authorized.");
                }

                var result = await gateway.CaptureAsync(payment.GatewayReference!, amount, key, cancellationToken);
                if (result.Approved)
                {
                    payment.Status = PaymentStatus.Captured;
                    payment.CapturedAmount = amount;
                }

                return (amount, result);
            },
            (payment, amount) => new PaymentCaptured(payment.Id, payment.OrderId, payment.CustomerId, amount, payment.Currency),
            cancellationToken);
    }

    private static Task<Results<Created<PaymentResponse>, ValidationProblem, ProblemHttpResult>> Void(
        Guid id,
        [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey,
        PaymentDbContext db,
        IPaymentGateway gateway,
        ILogger<PaymentDbContext> logger,
        HttpContext context,
        CancellationToken cancellationToken) =>
        ChangeAsync(
            id, TransactionKind.Void, Fingerprint("void", id), idempotencyKey, new ValidationErrors(), db, logger, context,
            async (payment, key) =>
            {
                if (payment.Status != PaymentStatus.Authorized)
                {
                    return Problems.Conflict($"Payment {id} is {payment.Status}; only an authorized payment can be voided.");
                }

                var result = await gateway.VoidAsync(payment.GatewayReference!, key, cancellationToken);
                if (result.Approved)
                {
                    payment.Status = PaymentStatus.Voided;
                }

                return (payment.Amount, result);
            },
            (payment, amount) => new PaymentVoided(payment.Id, payment.OrderId, payment.CustomerId, amount, payment.Currency),
            cancellationToken);

    private static Task<Results<Created<PaymentResponse>, ValidationProblem, ProblemHttpResult>> Refund(
        Guid id,
        RefundPaymentRequest request,
        [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey,
        PaymentDbContext db,
        IPaymentGateway gateway,
        ILogger<PaymentDbContext> logger,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var validation = new ValidationErrors();
        if (request.Amount is { } requested)
        {
            ValidateAmount(validation, "amount", requested);
        }

        validation.Check(request.Reason is null || request.Reason.Length <= Limits.Reason, "reason", $"At most {Limits.Reason} characters.");
        return ChangeAsync(
            id, TransactionKind.Refund, Fingerprint("refund", id, request.Amount), idempotencyKey, validation, db, logger, context,
            async (payment, key) =>
            {
                if (payment.Status is not (PaymentStatus.Captured or PaymentStatus.PartiallyRefunded))
                {
                    return Problems.Conflict($"Payment {id} is {payment.Status}; only a captured payment can be refunded.");
                }

                var refundable = payment.CapturedAmount - payment.RefundedAmount;
                var amount = request.Amount ?? refundable;
                if (amount > refundable)
                {
                    return Problems.Unprocessable($"Cannot refund {amount}: only {refundable} is refundable.");
                }

                var result = await gateway.RefundAsync(payment.GatewayReference!, amount, key, cancellationToken);
                if (result.Approved)
                {
                    payment.RefundedAmount += amount;
                    payment.Status = payment.RefundedAmount == payment.CapturedAmount
                        ? PaymentStatus.Refunded
                        : PaymentStatus.PartiallyRefunded;
                }

                return (amount, result);
            },
            (payment, amount) => new PaymentRefunded(
                payment.Id, payment.OrderId, payment.CustomerId, amount, payment.RefundedAmount, payment.Currency),
            cancellationToken);
    }

    private static async Task<Results<Ok<PaymentResponse>, ProblemHttpResult>> Get(
        Guid id, PaymentDbContext db, HttpContext context, CancellationToken cancellationToken)
    {
        var payment = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (payment is null)
        {
            return Problems.NotFound($"No payment {id}.");
        }

        context.Response.Headers.ETag = ETags.For(payment.Version);
        return TypedResults.Ok(ToResponse(payment));
    }

    private static async Task<Results<Ok<List<PaymentResponse>>, ValidationProblem>> List(
        Guid? orderId, PaymentDbContext db, CancellationToken cancellationToken)
    {
        if (orderId is null || orderId == Guid.Empty)
        {
            return Problems.Validation("orderId", "Required.");
        }

        var payments = await db.Payments.AsNoTracking()
            .Where(p => p.OrderId == orderId)
            .OrderByDescending(p => p.CreatedAt)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(payments.Select(ToResponse).ToList());
    }

    private static Results<Ok<GatewayOutageResponse>, ProblemHttpResult> SetOutage(
        GatewayOutageRequest request, IPaymentGateway gateway, ILogger<PaymentDbContext> logger)
    {
        if (gateway is not SimulatedPaymentGateway simulated)
        {
            return Problems.NotFound("Only the simulated gateway has an outage switch.");
        }

        simulated.OutageEnabled = request.Enabled;
        logger.LogWarning("Simulated payment gateway outage switched {State}", request.Enabled ? "on" : "off");
        return TypedResults.Ok(new GatewayOutageResponse(simulated.OutageEnabled));
    }

    /// <summary>
    /// Capture, void and refund: replay a known key, else change the payment through the shared pipeline: call the
    /// gateway (<paramref name="act"/> returns the amount and the gateway's answer, or a problem) and record the
    /// transaction, the new state and — when approved — the event, in one transaction. A decline is recorded too
    /// (new version, no event) and answered 422.
    /// </summary>
    private static async Task<Results<Created<PaymentResponse>, ValidationProblem, ProblemHttpResult>> ChangeAsync<TEvent>(
        Guid id,
        TransactionKind kind,
        string fingerprint,
        string? idempotencyKey,
        ValidationErrors validation,
        PaymentDbContext db,
        ILogger logger,
        HttpContext context,
        Func<CardPayment, string, Task<StepOutcome>> act,
        Func<CardPayment, decimal, TEvent> approvedEvent,
        CancellationToken cancellationToken)
        where TEvent : notnull
    {
        ValidateKey(validation, idempotencyKey);
        if (validation.Any)
        {
            return validation.Problem();
        }

        var earlier = await ReplayAsync(db, idempotencyKey!, kind, id, fingerprint, cancellationToken);
        if (earlier is not null)
        {
            return earlier;
        }

        var payment = await db.Payments.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        Changed<CardPayment> changed;
        GatewayResult? result = null;
        try
        {
            changed = await db.ChangeAsync(context, payment, $"No payment {id}.", async (p, now) =>
            {
                var outcome = await act(p, idempotencyKey!);
                if (outcome.Problem is { } problem)
                {
                    return problem;
                }

                result = outcome.Result!;
                var transaction = NewTransaction(p, kind, outcome.Amount, result, idempotencyKey!, fingerprint, now);
                db.Transactions.Add(transaction);
                p.Transactions.Add(transaction);
                p.UpdatedAt = now;
                return result.Approved ? approvedEvent(p, outcome.Amount) : Change<TEvent>.Unannounced;
            }, cancellationToken);
        }
        catch (PaymentGatewayUnavailableException exception)
        {
            logger.LogWarning("{Kind} of payment {PaymentId} not answered by the gateway: {FailureCode}", kind, id, exception.Code);
            return PaymentProblems.Unavailable(exception);
        }
        catch (DbUpdateException exception) when (Checks.IsUniqueViolation(exception))
        {
            db.ChangeTracker.Clear();
            return await ReplayAsync(db, idempotencyKey!, kind, id, fingerprint, cancellationToken)
                   ?? throw new InvalidOperationException("The idempotency key's transaction vanished.", exception);
        }

        if (changed.Problem is { } rejected)
        {
            return rejected;
        }

        logger.LogInformation("{Kind} of payment {PaymentId}: {Approved}", kind, id, result!.Approved ? "approved" : result.FailureCode);
        return result.Approved ? Outcome(payment!) : PaymentProblems.Declined(payment!.Id, result.FailureCode!);
    }

    /// <summary>
    /// The original outcome when <paramref name="key"/> was used before for the same request; a 409 when it was
    /// used for something else; null when it is new.
    /// </summary>
    private static async Task<Results<Created<PaymentResponse>, ValidationProblem, ProblemHttpResult>?> ReplayAsync(
        PaymentDbContext db, string key, TransactionKind kind, Guid? paymentId, string fingerprint, CancellationToken cancellationToken)
    {
        var earlier = await db.Transactions.AsNoTracking().FirstOrDefaultAsync(t => t.IdempotencyKey == key, cancellationToken);
        if (earlier is null)
        {
            return null;
        }

        if (earlier.Kind != kind || earlier.RequestFingerprint != fingerprint || (paymentId is { } id && earlier.PaymentId != id))
        {
            return Problems.Conflict("This Idempotency-Key was already used for a different request.");
        }

        var payment = await db.Payments.AsNoTracking().FirstAsync(p => p.Id == earlier.PaymentId, cancellationToken);
        return earlier.Succeeded ? Outcome(payment) : PaymentProblems.Declined(payment.Id, earlier.FailureCode!);
    }

    private static Results<Created<PaymentResponse>, ValidationProblem, ProblemHttpResult> Outcome(CardPayment payment) =>
        payment.Status == PaymentStatus.Failed
            ? PaymentProblems.Declined(payment.Id, payment.FailureCode!)
            : TypedResults.Created($"/payments/{payment.Id}", ToResponse(payment));

    private static PaymentTransaction NewTransaction(
        CardPayment payment, TransactionKind kind, decimal amount, GatewayResult result, string key, string fingerprint, DateTimeOffset now) =>
        new()
        {
            Id = Guid.CreateVersion7(),
            PaymentId = payment.Id,
            Kind = kind,
            Amount = amount,
            Succeeded = result.Approved,
            FailureCode = result.FailureCode,
            IdempotencyKey = key,
            RequestFingerprint = fingerprint,
            GatewayReference = result.Reference,
            OccurredAt = now,
        };

    private static string Fingerprint(string operation, params object?[] parts) =>
        string.Join('|', [operation, .. parts.Select(p => Convert.ToString(p, CultureInfo.InvariantCulture) ?? "-")]);

    private static void ValidateKey(ValidationErrors validation, string? key) =>
        validation.Text(key, IdempotencyHeader, Limits.IdempotencyKey);

    private static void ValidateAmount(ValidationErrors validation, string field, decimal amount)
    {
        if (amount <= 0)
        {
            validation.Add(field, "Greater than zero.");
        }
        else if (!Amounts.IsValid(amount))
        {
            validation.Add(field, "At most two decimals and sixteen integer digits.");
        }
    }

    internal static PaymentResponse ToResponse(CardPayment p) =>
        new(
            p.Id,
            p.OrderId,
            p.PaymentMethodId,
            p.Amount,
            p.Currency,
            p.Status,
            p.CapturedAmount,
            p.RefundedAmount,
            p.FailureCode,
            [.. p.Transactions.OrderBy(t => t.OccurredAt).ThenBy(t => t.Id).Select(t => new PaymentTransactionResponse(
                t.Id, t.Kind, t.Amount, t.Succeeded, t.FailureCode, t.IdempotencyKey, t.OccurredAt))],
            p.Version);

    /// <summary>What a capture/void/refund step decided: a problem, or an amount and the gateway's answer.</summary>
    private readonly record struct StepOutcome(ProblemHttpResult? Problem, decimal Amount, GatewayResult? Result)
    {
        public static implicit operator StepOutcome(ProblemHttpResult problem) => new(problem, 0, null);

        public static implicit operator StepOutcome((decimal Amount, GatewayResult Result) answer) => new(null, answer.Amount, answer.Result);
    }
}
