using System.Globalization;
using Commerce.Payment.Contracts;
using Commerce.Payment.Customers;
using Commerce.Payment.Gateway;
using Commerce.Payment.Methods;
using Commerce.Rules;
using Commerce.ServiceDefaults.Audit;
using Commerce.ServiceDefaults.Security;
using Microsoft.AspNetCore.Mvc;

namespace Commerce.Payment.Transactions;

/// <summary>
/// Authorize, capture, void and refund. Each takes an <c>Idempotency-Key</c>: the key is stored with the
/// transaction it produced (unique), so a repeat returns the original outcome and the gateway is not called again.
/// Capture, void and refund claim their operation in the database before calling the gateway (see
/// <see cref="OperateAsync{TEvent}"/>), so concurrent requests move money once. Retryable gateway trouble writes no
/// authorization, and leaves a claimed operation open for a retry with the same key.
/// </summary>
public static class PaymentEndpoints
{
    private const string IdempotencyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapPayments(this IEndpointRouteBuilder routes)
    {
        var payments = routes.MapContextGroup("Payment", "/payments").AuditsOperatorReads();
        // Money moves for the saga only (and operators resolving a stuck order): nobody else can claim its keys first.
        payments.MapPost("/authorizations", Authorize).WithName("AuthorizePayment").RequireAuthorization(Access.SagaWorker).ProducesProblems(409, 422, 503);
        payments.MapPost("/{id:guid}/capture", Capture).WithName("CapturePayment").RequireAuthorization(Access.SagaWorker).AcceptsIfMatch().ProducesProblems(404, 422, 503);
        payments.MapPost("/{id:guid}/void", Void).WithName("VoidPayment").RequireAuthorization(Access.SagaWorker).AcceptsIfMatch().ProducesProblems(404, 422, 503);
        payments.MapPost("/{id:guid}/refunds", Refund).WithName("RefundPayment").RequireAuthorization(Access.SagaWorker).AcceptsIfMatch().ProducesProblems(404, 422, 503);
        payments.MapGet("/{id:guid}", Get).WithName("GetPayment").RequireAuthorization(Access.Customers).ProducesProblems(404);
        // The saga's compensation finds an order's payments here.
        payments.MapGet("/", List).WithName("ListPayments").RequireAuthorization(Access.CustomersAnd(Clients.SagaWorker));
        if (routes.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            // A simulator's switch: a development aid, not a route of a real deployment.
            payments.MapPost("/gateway/outage", SetOutage).WithName("SetGatewayOutage").WithTags("Operator").RequireAuthorization(Access.Operators)
                .ProducesProblems(404);
        }

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

        // Without the order's customer the card's owner cannot be checked: refused, not trusted.
        if (request.CustomerId is null || request.CustomerId == Guid.Empty)
        {
            validation.Add("customerId", "Required.");
        }

        ValidateAmount(validation, "amount", request.Amount);
        validation.Check(Checks.IsCurrencyCode(request.Currency), "currency", "A three-letter upper-case ISO 4217 code, e.g. USD.");
        if (validation.Any)
        {
            return validation.Problem();
        }

        // Another customer's card is answered as a missing one, so the answer never tells which cards exist. Checked
        // before a repeat is answered too: a repeat is no way around it. The customer is not part of the fingerprint,
        // so authorizations recorded before it was sent still answer their repeats.
        var method = await db.PaymentMethods.AsNoTracking()
            .FirstOrDefaultAsync(m => m.Id == request.PaymentMethodId, cancellationToken);
        var unusable = Problems.Unprocessable($"No usable payment method {request.PaymentMethodId}.");
        if (method is not null && method.CustomerId != request.CustomerId)
        {
            logger.LogWarning(
                "Authorization for order {OrderId} refused: payment method {PaymentMethodId} is not customer {CustomerId}'s",
                request.OrderId, request.PaymentMethodId, request.CustomerId);
            return unusable;
        }

        var fingerprint = Fingerprint("authorize", request.OrderId, request.PaymentMethodId, request.Amount, request.Currency);
        var earlier = await ReplayAsync(db, idempotencyKey!, TransactionKind.Authorize, fingerprint, cancellationToken);
        if (earlier is not null)
        {
            return earlier;
        }

        if (method is null || method.Removed)
        {
            return unusable;
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
            return await ReplayAsync(db, idempotencyKey!, TransactionKind.Authorize, fingerprint, cancellationToken)
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

        return OperateAsync(
            new Operation<PaymentCaptured>(id, TransactionKind.Capture, Fingerprint("capture", id, request.Amount), db, logger, context,
                (payment, operation) => gateway.CaptureAsync(payment.GatewayReference!, operation.Amount, operation.IdempotencyKey, CancellationToken.None),
                (payment, amount) =>
                {
                    payment.Status = PaymentStatus.Captured;
                    payment.CapturedAmount = amount;
                    return new PaymentCaptured(payment.Id, payment.OrderId, payment.CustomerId, amount, payment.Currency);
                }),
            idempotencyKey,
            validation,
            payment =>
            {
                if (payment.Status != PaymentStatus.Authorized)
                {
                    return Problems.Conflict($"Payment {id} is {payment.Status}; only an authorized payment can be captured.");
                }

                var amount = request.Amount ?? payment.Amount;
                return amount > payment.Amount
                    ? Problems.Unprocessable($"Cannot capture {amount}: only {payment.Amount} was authorized.")
                    : amount;
            },
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
        OperateAsync(
            new Operation<PaymentVoided>(id, TransactionKind.Void, Fingerprint("void", id), db, logger, context,
                (payment, operation) => gateway.VoidAsync(payment.GatewayReference!, operation.IdempotencyKey, CancellationToken.None),
                (payment, amount) =>
                {
                    payment.Status = PaymentStatus.Voided;
                    return new PaymentVoided(payment.Id, payment.OrderId, payment.CustomerId, amount, payment.Currency);
                }),
            idempotencyKey,
            new ValidationErrors(),
            payment => payment.Status == PaymentStatus.Authorized
                ? payment.Amount
                : Problems.Conflict($"Payment {id} is {payment.Status}; only an authorized payment can be voided."),
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
        return OperateAsync(
            new Operation<PaymentRefunded>(id, TransactionKind.Refund, Fingerprint("refund", id, request.Amount), db, logger, context,
                (payment, operation) => gateway.RefundAsync(payment.GatewayReference!, operation.Amount, operation.IdempotencyKey, CancellationToken.None),
                (payment, amount) =>
                {
                    payment.RefundedAmount += amount;
                    payment.Status = payment.RefundedAmount == payment.CapturedAmount
                        ? PaymentStatus.Refunded
                        : PaymentStatus.PartiallyRefunded;
                    return new PaymentRefunded(
                        payment.Id, payment.OrderId, payment.CustomerId, amount, payment.RefundedAmount, payment.Currency);
                }),
            idempotencyKey,
            validation,
            payment =>
            {
                if (payment.Status is not (PaymentStatus.Captured or PaymentStatus.PartiallyRefunded))
                {
                    return Problems.Conflict($"Payment {id} is {payment.Status}; only a captured payment can be refunded.");
                }

                var refundable = payment.CapturedAmount - payment.RefundedAmount;
                var amount = request.Amount ?? refundable;
                return amount > refundable
                    ? Problems.Unprocessable($"Cannot refund {amount}: only {refundable} is refundable.")
                    : amount;
            },
            cancellationToken);
    }

    private static async Task<Results<Ok<PaymentResponse>, ProblemHttpResult>> Get(
        Guid id, Caller caller, PaymentDbContext db, HttpContext context, CancellationToken cancellationToken)
    {
        var payment = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (payment is null || !caller.MayActFor(payment.CustomerId))
        {
            return Problems.NotFound($"No payment {id}.");
        }

        context.Response.Headers.ETag = ETags.For(payment.Version);
        var billing = await db.BillingOfAsync([payment.CustomerId], cancellationToken);
        return TypedResults.Ok(ToResponse(payment) with { Customer = billing.GetValueOrDefault(payment.CustomerId) });
    }

    /// <summary>
    /// A customer sees their own payments only: another customer's order gives an empty list, the same as an order
    /// with no payments. The saga worker sees every order's.
    /// </summary>
    private static async Task<Results<Ok<List<PaymentResponse>>, ValidationProblem>> List(
        Guid? orderId, Caller caller, PaymentDbContext db, CancellationToken cancellationToken)
    {
        if (orderId is null || orderId == Guid.Empty)
        {
            return Problems.Validation("orderId", "Required.");
        }

        var query = db.Payments.AsNoTracking().Where(p => p.OrderId == orderId);
        if (caller.IsCustomer)
        {
            query = query.Where(p => p.CustomerId == caller.CustomerId);
        }

        var payments = await query
            .OrderByDescending(p => p.CreatedAt)
            .ToListAsync(cancellationToken);
        var billing = await db.BillingOfAsync(payments.Select(p => p.CustomerId), cancellationToken);
        return TypedResults.Ok(payments.Select(p => ToResponse(p) with { Customer = billing.GetValueOrDefault(p.CustomerId) }).ToList());
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
    /// Capture, void and refund. A known key is answered by <see cref="ResumeAsync"/>. A new one first claims the
    /// operation: through the shared pipeline (If-Match, the rule, version +1, one SaveChanges guarded by the version)
    /// a transaction row without an answer is committed, and while it is open every other operation on the payment
    /// is refused (409). Of any number of concurrent requests only one can commit that claim, so only one calls the
    /// gateway; then <see cref="CompleteAsync"/> records the answer.
    /// </summary>
    private static async Task<Results<Created<PaymentResponse>, ValidationProblem, ProblemHttpResult>> OperateAsync<TEvent>(
        Operation<TEvent> operation,
        string? idempotencyKey,
        ValidationErrors validation,
        Func<CardPayment, Decision> decide,
        CancellationToken cancellationToken)
        where TEvent : notnull
    {
        ValidateKey(validation, idempotencyKey);
        if (validation.Any)
        {
            return validation.Problem();
        }

        var key = idempotencyKey!;
        var known = await ResumeAsync(operation, key, cancellationToken);
        if (known is not null)
        {
            return known;
        }

        var db = operation.Db;
        var payment = await db.Payments.FirstOrDefaultAsync(p => p.Id == operation.PaymentId, cancellationToken);
        PaymentTransaction? claim = null;
        Changed<CardPayment> claimed;
        try
        {
            claimed = await db.ChangeAsync<CardPayment, TEvent>(operation.Context, payment, $"No payment {operation.PaymentId}.", (p, now) =>
            {
                if (p.Transactions.FirstOrDefault(t => t.InProgress) is { } open)
                {
                    return Problems.Conflict(
                        $"A {open.Kind} of payment {p.Id} is waiting for the gateway; only a retry with its Idempotency-Key can finish it.");
                }

                var decision = decide(p);
                if (decision.Problem is { } problem)
                {
                    return problem;
                }

                claim = new PaymentTransaction
                {
                    Id = Guid.CreateVersion7(),
                    PaymentId = p.Id,
                    Kind = operation.Kind,
                    Amount = decision.Amount,
                    Succeeded = false,
                    IdempotencyKey = key,
                    RequestFingerprint = operation.Fingerprint,
                    OccurredAt = now,
                    ClaimedUntil = now + GatewayCallLease,
                };
                db.Transactions.Add(claim);
                p.Transactions.Add(claim);
                p.UpdatedAt = now;
                return Change<TEvent>.Unannounced;
            }, cancellationToken);
        }
        catch (DbUpdateException exception) when (Checks.IsUniqueViolation(exception))
        {
            claimed = new(payment, Problems.Conflict("A concurrent request used this Idempotency-Key."));
        }

        if (claimed.Problem is { } refused)
        {
            // Refused because a concurrent request with the same key claimed first? Then answer as that operation.
            db.ChangeTracker.Clear();
            return await ResumeAsync(operation, key, cancellationToken) ?? refused;
        }

        return await CompleteAsync(operation, claimed.Aggregate!, claim!);
    }

    /// <summary>
    /// A key used before: 409 when it was for a different request, the recorded outcome when its operation has its
    /// answer, else the operation is still open. An open operation whose lease is running belongs to the request
    /// calling the gateway now (503, retry with the same key); one whose lease ran out — its request crashed, gave
    /// up, or was told the gateway is unavailable — is taken over by this request, which calls the gateway with the
    /// same key (the gateway answers a repeated key as it did the first time, so nothing moves twice). Null for a new key.
    /// </summary>
    private static async Task<Results<Created<PaymentResponse>, ValidationProblem, ProblemHttpResult>?> ResumeAsync<TEvent>(
        Operation<TEvent> operation, string key, CancellationToken cancellationToken)
        where TEvent : notnull
    {
        var db = operation.Db;
        var earlier = await db.Transactions.FirstOrDefaultAsync(t => t.IdempotencyKey == key, cancellationToken);
        if (earlier is null)
        {
            return null;
        }

        if (earlier.Kind != operation.Kind || earlier.RequestFingerprint != operation.Fingerprint || earlier.PaymentId != operation.PaymentId)
        {
            return Problems.Conflict("This Idempotency-Key was already used for a different request.");
        }

        var payment = await db.Payments.FirstAsync(p => p.Id == earlier.PaymentId, cancellationToken);
        if (!earlier.InProgress)
        {
            return earlier.Succeeded ? Outcome(payment) : PaymentProblems.Declined(payment.Id, earlier.FailureCode!);
        }

        var now = operation.Context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        if (earlier.ClaimedUntil > now)
        {
            return PaymentProblems.InProgress(operation.Context);
        }

        earlier.ClaimedUntil = now + GatewayCallLease;
        payment.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another retry with this key took it over first.
            return PaymentProblems.InProgress(operation.Context);
        }

        operation.Logger.LogWarning("{Kind} of payment {PaymentId} taken over from an earlier request with the same key", earlier.Kind, payment.Id);
        return await CompleteAsync(operation, payment, earlier);
    }

    /// <summary>
    /// Calls the gateway for a claimed operation and records its answer: the transaction, the new state and — when
    /// approved — the event, in one transaction (a decline is recorded too, without an event, and answered 422).
    /// Past the claim nothing uses the request's cancellation, so a caller hanging up cannot strand the operation halfway.
    /// </summary>
    private static async Task<Results<Created<PaymentResponse>, ValidationProblem, ProblemHttpResult>> CompleteAsync<TEvent>(
        Operation<TEvent> operation, CardPayment payment, PaymentTransaction claim)
        where TEvent : notnull
    {
        var db = operation.Db;
        var clock = operation.Context.RequestServices.GetRequiredService<TimeProvider>();
        GatewayResult result;
        try
        {
            result = await operation.CallGateway(payment, claim);
        }
        catch (PaymentGatewayUnavailableException exception)
        {
            operation.Logger.LogWarning(
                "{Kind} of payment {PaymentId} not answered by the gateway: {FailureCode}", claim.Kind, payment.Id, exception.Code);
            // The operation stays open (an unanswered call may still have acted), but its lease ends now, so a retry
            // with the same key calls the gateway again at once.
            claim.ClaimedUntil = clock.GetUtcNow();
            payment.Version++;
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Already taken over by a retry; the lease is that retry's now.
            }

            return PaymentProblems.Unavailable(exception);
        }

        var now = clock.GetUtcNow();
        claim.Succeeded = result.Approved;
        claim.FailureCode = result.FailureCode;
        claim.GatewayReference = result.Reference;
        claim.ClaimedUntil = null;
        payment.UpdatedAt = now;
        payment.Version++;
        if (result.Approved)
        {
            db.AddEvent(operation.Approve(payment, claim.Amount), payment.Id, payment.Version, now);
        }

        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateConcurrencyException)
        {
            // This call outlived its lease and a retry with the same key took the operation over; answer as it does.
            db.ChangeTracker.Clear();
            return await ResumeAsync(operation, claim.IdempotencyKey, CancellationToken.None) ?? PaymentProblems.InProgress(operation.Context);
        }

        operation.Context.Response.Headers.ETag = ETags.For(payment.Version);
        operation.Logger.LogInformation(
            "{Kind} of payment {PaymentId}: {Approved}", claim.Kind, payment.Id, result.Approved ? "approved" : result.FailureCode);
        return result.Approved ? Outcome(payment) : PaymentProblems.Declined(payment.Id, result.FailureCode!);
    }

    /// <summary>
    /// Authorize's replay: the original outcome when <paramref name="key"/> was used before for the same request; a
    /// 409 when it was used for something else; null when it is new.
    /// </summary>
    private static async Task<Results<Created<PaymentResponse>, ValidationProblem, ProblemHttpResult>?> ReplayAsync(
        PaymentDbContext db, string key, TransactionKind kind, string fingerprint, CancellationToken cancellationToken)
    {
        var earlier = await db.Transactions.AsNoTracking().FirstOrDefaultAsync(t => t.IdempotencyKey == key, cancellationToken);
        if (earlier is null)
        {
            return null;
        }

        if (earlier.Kind != kind || earlier.RequestFingerprint != fingerprint)
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
                t.Id, t.Kind, t.Amount, t.Succeeded, t.FailureCode, t.IdempotencyKey, t.OccurredAt, t.InProgress))],
            p.Version);

    /// <summary>
    /// How long the request that claimed an operation may take to get the gateway's answer before a retry with the
    /// same key may take the operation over: longer than any gateway call is allowed to take.
    /// </summary>
    private static readonly TimeSpan GatewayCallLease = TimeSpan.FromSeconds(30);

    /// <summary>What a capture/void/refund's rule decided: a problem, or the amount the operation moves.</summary>
    private readonly record struct Decision(ProblemHttpResult? Problem, decimal Amount)
    {
        public static implicit operator Decision(ProblemHttpResult problem) => new(problem, 0);

        public static implicit operator Decision(decimal amount) => new(null, amount);
    }

    /// <summary>
    /// One capture, void or refund request: the payment it is for, how to call the gateway for its claimed operation,
    /// and how an approval changes the payment (returning the event that announces it).
    /// </summary>
    private sealed record Operation<TEvent>(
        Guid PaymentId,
        TransactionKind Kind,
        string Fingerprint,
        PaymentDbContext Db,
        ILogger Logger,
        HttpContext Context,
        Func<CardPayment, PaymentTransaction, Task<GatewayResult>> CallGateway,
        Func<CardPayment, decimal, TEvent> Approve)
        where TEvent : notnull;
}
