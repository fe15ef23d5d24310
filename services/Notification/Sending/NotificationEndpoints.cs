using Commerce.Notification.Channels;
using Commerce.Notification.Contracts;
using Commerce.ServiceDefaults.Audit;
using Commerce.ServiceDefaults.Security;
using Refit;

namespace Commerce.Notification.Sending;

public static class NotificationEndpoints
{
    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder routes)
    {
        var notifications = routes.MapContextGroup("Notification", "/notifications").AuditsOperatorReads();
        // Support's ad-hoc messages: no service sends through this route (events do), and a customer has nothing to send.
        notifications.MapPost("/", Send).WithName("SendNotification").ProducesProblems(409, 422, 503).RequireAuthorization(Access.Operators);
        notifications.MapGet("/{id:guid}", Get).WithName("GetNotification").ProducesProblems(404).RequireAuthorization(Access.Customers);
        notifications.MapGet("/", List).WithName("ListNotifications").RequireAuthorization(Access.Customers);
        // The simulated providers' switch and their record of every customer's messages are for tests and demos: not
        // there at all in a deployment.
        if (routes.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            notifications.MapGet("/channels/sent", Sent).WithName("ListSentMessages").RequireAuthorization(Access.Operators);
            notifications.MapPost("/channels/{channel}/failure", SetFailure).WithName("SetChannelFailure").RequireAuthorization(Access.Operators);
        }

        return routes;
    }

    /// <summary>
    /// 202: queued for sending. The same request again with its idempotency key answers what the first one queued; the
    /// key with a different request is a 409.
    /// </summary>
    private static async Task<Results<Accepted<List<NotificationResponse>>, ValidationProblem, ProblemHttpResult>> Send(
        SendNotificationRequest request,
        NotificationDbContext db,
        NotificationComposer composer,
        NotificationDispatcher dispatcher,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        var validation = new ValidationErrors();
        if (request.CustomerId == Guid.Empty)
        {
            validation.Add("customerId", "Required.");
        }

        validation.Text(request.TemplateKey, "templateKey", Limits.TemplateKey);
        validation.Check(request.IdempotencyKey is null || request.IdempotencyKey.Length <= Limits.IdempotencyKey, "idempotencyKey", $"At most {Limits.IdempotencyKey} characters.");
        if (request.Channel is { } only && !Enum.IsDefined(only))
        {
            validation.Add("channel", "Email, Sms or Push.");
        }

        if (request.Data is { Count: > Limits.DataEntries } || request.Data?.Any(d => d.Key.Length > 100 || d.Value is null || d.Value.Length > Limits.DataValue) == true)
        {
            validation.Add("data", $"At most {Limits.DataEntries} entries of up to {Limits.DataValue} characters.");
        }

        foreach (var (name, value) in request.Data ?? new Dictionary<string, string>())
        {
            validation.NoCardNumber(value, $"data.{name}");
        }

        if (validation.Any)
        {
            return validation.Problem();
        }

        var key = request.IdempotencyKey ?? Guid.NewGuid().ToString("N");
        var data = request.Data ?? new Dictionary<string, string>();
        var fingerprint = NotificationComposer.RequestFingerprint(request.CustomerId, request.TemplateKey, data, request.Channel);
        if (await QueuedUnderAsync(db, key, cancellationToken) is { Count: > 0 } earlier)
        {
            return Repeat(earlier, request, fingerprint);
        }

        ComposeOutcome outcome;
        List<NotificationMessage> queued;
        try
        {
            (outcome, queued) = await composer.ComposeAsync(request.CustomerId, request.TemplateKey, data, request.Channel, key, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or ApiException or ApiRequestException)
        {
            // The contact was not cached and Customer, asked for it, did not answer.
            http.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Customer unavailable",
                detail: $"Customer {request.CustomerId} is not cached yet and Customer could not be asked; try again.");
        }

        switch (outcome)
        {
            case ComposeOutcome.UnknownTemplate:
                return Problems.Unprocessable($"No template {request.TemplateKey}.");
            case ComposeOutcome.UnknownCustomer:
            case ComposeOutcome.CustomerDeleted:
                return Problems.Unprocessable($"Customer {request.CustomerId} is not known to Notification (or was deleted).");
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (Checks.IsUniqueViolation(exception))
        {
            // A concurrent request with the same key won: answer as a repeat of it, if this is one.
            db.ChangeTracker.Clear();
            return Repeat(await QueuedUnderAsync(db, key, cancellationToken), request, fingerprint);
        }

        dispatcher.Wake();
        return TypedResults.Accepted("/notifications", queued.Select(ToResponse).ToList());
    }

    /// <summary>
    /// The messages queued under an idempotency key. The key alone names a request today; to scope keys per calling
    /// client, the caller joins the key here and in the unique index on (key, channel) — nothing else reads keys.
    /// </summary>
    private static Task<List<NotificationMessage>> QueuedUnderAsync(NotificationDbContext db, string key, CancellationToken cancellationToken) =>
        db.Notifications.AsNoTracking().Where(n => n.IdempotencyKey == key).ToListAsync(cancellationToken);

    /// <summary>
    /// The answer to a key used before: what it queued when this is the same request, else a 409 that shows nothing
    /// of the other request. Messages queued before fingerprints were kept are compared by customer and template.
    /// </summary>
    private static Results<Accepted<List<NotificationResponse>>, ValidationProblem, ProblemHttpResult> Repeat(
        List<NotificationMessage> earlier, SendNotificationRequest request, string fingerprint) =>
        earlier.All(n => n.RequestFingerprint is null
            ? n.CustomerId == request.CustomerId && n.TemplateKey == request.TemplateKey
            : n.RequestFingerprint == fingerprint)
            ? TypedResults.Accepted("/notifications", earlier.Select(ToResponse).ToList())
            : Problems.Conflict("This idempotency key was already used for a different request.");

    private static async Task<Results<Ok<NotificationResponse>, ProblemHttpResult>> Get(
        Guid id, NotificationDbContext db, Caller caller, CancellationToken cancellationToken)
    {
        var notification = await db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        // Another customer's message answers as a missing one, so ids cannot be probed.
        return notification is null || !caller.MayActFor(notification.CustomerId)
            ? Problems.NotFound($"No notification {id}.")
            : TypedResults.Ok(ToResponse(notification));
    }

    private static async Task<Results<Ok<List<NotificationResponse>>, ValidationProblem>> List(
        Guid? customerId, NotificationDbContext db, Caller caller, CancellationToken cancellationToken)
    {
        if (customerId is null || customerId == Guid.Empty)
        {
            return Problems.Validation("customerId", "Required.");
        }

        // Another customer's log is empty, as an unknown customer's is: a 404 here would tell which ids are customers.
        if (!caller.MayActFor(customerId.Value))
        {
            return TypedResults.Ok(new List<NotificationResponse>());
        }

        var log = await db.Notifications.AsNoTracking()
            .Where(n => n.CustomerId == customerId)
            .OrderByDescending(n => n.CreatedAt).ThenBy(n => n.Channel)
            .Take(200)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(log.Select(ToResponse).ToList());
    }

    private static Ok<IReadOnlyList<SentMessage>> Sent(SimulatedChannelLog log) => TypedResults.Ok(log.Sent);

    private static Results<Ok<ChannelFailureResponse>, ValidationProblem> SetFailure(
        string channel, ChannelFailureRequest request, SimulatedChannelLog log)
    {
        if (!Enum.TryParse<DeliveryChannel>(channel, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
        {
            return Problems.Validation("channel", "Email, Sms or Push.");
        }

        log.SetFailing(parsed, request.Enabled);
        return TypedResults.Ok(new ChannelFailureResponse(parsed, log.IsFailing(parsed)));
    }

    internal static NotificationResponse ToResponse(NotificationMessage n) =>
        new(n.Id, n.CustomerId, n.TemplateKey, n.Channel, n.Recipient, n.Subject, n.Body, n.Status, n.Attempts, n.LastError,
            n.CreatedAt, n.SentAt, n.NextAttemptAt, n.Version);
}
