using System.Text.Json;
using Commerce.ServiceDefaults.Audit;
using Commerce.ServiceDefaults.Security;
using Commerce.Shipping.Carrier;
using Commerce.Shipping.Contracts;
using Commerce.Shipping.Customers;
using Commerce.Shipping.Routes;
using Microsoft.AspNetCore.Http.Json;

namespace Commerce.Shipping.Shipments;

public static class ShipmentEndpoints
{
    public static IEndpointRouteBuilder MapShipments(this IEndpointRouteBuilder routes)
    {
        var shipments = routes.MapContextGroup("Shipping", "/shipments").AuditsOperatorReads();
        // Shipping an order is the order saga's step (operators resolve a stuck one): a shipment anyone else made first
        // would choose where the goods go.
        shipments.MapPost("/", Create).WithName("CreateShipment").RequireAuthorization(Access.SagaWorker).ProducesProblems(409, 422, 503);
        // A shipment holds the recipient's address and the tracking number a delivery is matched on, and Shipping does not
        // know whose order it is: reading one is an operators' tool (customers follow their order through its owner).
        shipments.MapGet("/{id:guid}", Get).WithName("GetShipment").RequireAuthorization(Access.Operators).ProducesProblems(404);
        shipments.MapGet("/by-order/{orderId:guid}", GetForOrder).WithName("GetShipmentForOrder").RequireAuthorization(Access.Operators)
            .ProducesProblems(404);
        shipments.MapCustomerAddresses();
        // The carrier holds no token of ours: its signature over the call is its authentication, not a bearer token.
        shipments.MapPost("/carrier/webhook", Webhook).WithName("CarrierWebhook").AllowAnonymous()
            .Accepts<CarrierTrackingUpdate>("application/json").ProducesProblems(401, 404);
        // A simulator's switch is a test and demo tool: outside Development it is not there at all.
        if (routes.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            shipments.MapPost("/carrier/outage", SetOutage).WithName("SetCarrierOutage").RequireAuthorization(Access.Operators).ProducesProblems(404);
        }

        return routes;
    }

    /// <summary>
    /// 201 with a new shipment; 200 with the existing one when the order already has a shipment made from the same
    /// address and items (a retry); 409 when it was made from other ones.
    /// </summary>
    private static async Task<Results<Created<ShipmentResponse>, Ok<ShipmentResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateShipmentRequest request,
        ShippingDbContext db,
        ICarrier carrier,
        TimeProvider clock,
        HttpContext context,
        ILogger<ShippingDbContext> logger,
        CancellationToken cancellationToken)
    {
        var validation = Validate(request);
        if (validation.Any)
        {
            return validation.Problem();
        }

        var existing = await db.Shipments.AsNoTracking().FirstOrDefaultAsync(s => s.OrderId == request.OrderId, cancellationToken);
        if (existing is not null)
        {
            return Existing(existing, request, context);
        }

        CarrierLabel label;
        try
        {
            // Keyed by the order, as the shipment is: creates that race for this order's row below all get the one label
            // the carrier issued first, so the losers leave no paid label (and no tracking pushes) behind.
            label = await carrier.CreateLabelAsync(LabelKey(request.OrderId), request.OrderId, request.Address, request.Items.Count, cancellationToken);
        }
        catch (CarrierRejectedException rejected)
        {
            return Problems.Unprocessable(rejected.Message);
        }
        catch (CarrierUnavailableException unavailable)
        {
            logger.LogWarning("Carrier unavailable for order {OrderId}: {Reason}", request.OrderId, unavailable.Message);
            return TypedResults.Problem(
                unavailable.Message,
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Carrier unavailable",
                extensions: new Dictionary<string, object?> { ["retryable"] = true });
        }

        var now = clock.GetUtcNow();
        var shipment = new Shipment
        {
            Id = Guid.CreateVersion7(),
            OrderId = request.OrderId,
            Carrier = label.Carrier,
            TrackingNumber = label.TrackingNumber,
            Status = ShipmentStatus.LabelCreated,
            Address = AddressOf(request),
            Items = LinesOf(request),
            CreatedAt = now,
        };
        shipment.TrackingEvents.Add(new TrackingEvent
        {
            Id = Guid.CreateVersion7(),
            ShipmentId = shipment.Id,
            Status = ShipmentStatus.LabelCreated,
            OccurredAt = now,
        });
        db.Shipments.Add(shipment);
        // Where it goes travels with the event: Delivery routes shipments by postal code without asking for addresses.
        db.AddEvent(
            new ShipmentCreated(shipment.Id, shipment.OrderId, shipment.Carrier, shipment.TrackingNumber,
                shipment.Address.PostalCode, shipment.Address.Country, shipment.Address.Region),
            shipment.Id, shipment.Version, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (Checks.IsUniqueViolation(exception))
        {
            // A concurrent create for the same order won; its shipment is the order's shipment.
            db.ChangeTracker.Clear();
            var winner = await db.Shipments.AsNoTracking().FirstAsync(s => s.OrderId == request.OrderId, cancellationToken);
            return Existing(winner, request, context);
        }

        logger.LogInformation(
            "Shipment {ShipmentId} for order {OrderId}: {Carrier} {TrackingNumber}", shipment.Id, shipment.OrderId, shipment.Carrier, shipment.TrackingNumber);
        context.Response.Headers.ETag = ETags.For(shipment.Version);
        return TypedResults.Created($"/shipments/{shipment.Id}", ToResponse(shipment));
    }

    /// <summary>
    /// The order's shipment answers a create only when the create asks for what it holds: idempotent for a retry, a 409
    /// for anything else, or whoever created an order's shipment first would choose where the saga's goods go.
    /// </summary>
    private static Results<Created<ShipmentResponse>, Ok<ShipmentResponse>, ValidationProblem, ProblemHttpResult> Existing(
        Shipment existing, CreateShipmentRequest request, HttpContext context)
    {
        if (AddressOf(existing.Address) != AddressOf(AddressOf(request))
            || !existing.Items.Select(ItemOf).SequenceEqual(LinesOf(request).Select(ItemOf)))
        {
            return Problems.Conflict(
                $"Order {request.OrderId} already has shipment {existing.Id} to another address or with other items; it was not changed.");
        }

        context.Response.Headers.ETag = ETags.For(existing.Version);
        return TypedResults.Ok(ToResponse(existing));
    }

    /// <summary>The address as a shipment keeps it (trimmed, blanks as null): also what a repeated create is compared in.</summary>
    private static ShipmentAddress AddressOf(CreateShipmentRequest request)
    {
        var a = request.Address;
        return new ShipmentAddress
        {
            Recipient = a.Recipient.Trim(),
            Line1 = a.Line1.Trim(),
            Line2 = string.IsNullOrWhiteSpace(a.Line2) ? null : a.Line2.Trim(),
            City = a.City.Trim(),
            Region = string.IsNullOrWhiteSpace(a.Region) ? null : a.Region.Trim(),
            PostalCode = a.PostalCode.Trim(),
            Country = a.Country,
        };
    }

    private static List<ShipmentLine> LinesOf(CreateShipmentRequest request) =>
        [.. request.Items.Select(i => new ShipmentLine { ProductId = i.ProductId, Sku = i.Sku.Trim(), Quantity = i.Quantity })];

    private static ShippingAddress AddressOf(ShipmentAddress a) => new(a.Recipient, a.Line1, a.City, a.PostalCode, a.Country, a.Line2, a.Region);

    private static ShipmentItem ItemOf(ShipmentLine line) => new(line.ProductId, line.Sku, line.Quantity);

    /// <summary>The carrier's idempotency key for an order's label: one shipment per order, so one label per order.</summary>
    internal static string LabelKey(Guid orderId) => $"shipment-{orderId}";

    private static async Task<Results<Ok<ShipmentResponse>, ProblemHttpResult>> Get(
        Guid id, ShippingDbContext db, HttpContext context, CancellationToken cancellationToken)
    {
        var shipment = await db.Shipments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (shipment is null)
        {
            return Problems.NotFound($"No shipment {id}.");
        }

        context.Response.Headers.ETag = ETags.For(shipment.Version);
        return TypedResults.Ok(ToResponse(shipment, await ShipmentRoutes.StopOfAsync(db, shipment.Id, cancellationToken)));
    }

    private static async Task<Results<Ok<ShipmentResponse>, ProblemHttpResult>> GetForOrder(
        Guid orderId, ShippingDbContext db, HttpContext context, CancellationToken cancellationToken)
    {
        var shipment = await db.Shipments.AsNoTracking().FirstOrDefaultAsync(s => s.OrderId == orderId, cancellationToken);
        if (shipment is null)
        {
            return Problems.NotFound($"No shipment for order {orderId}.");
        }

        context.Response.Headers.ETag = ETags.For(shipment.Version);
        return TypedResults.Ok(ToResponse(shipment, await ShipmentRoutes.StopOfAsync(db, shipment.Id, cancellationToken)));
    }

    /// <summary>
    /// The carrier's push, signed (<see cref="CarrierWebhookSignature"/>): a call that is not signed with the carrier's
    /// secret, signed too long ago, or already accepted once is a 401 that changes nothing. Redeliveries (same event id,
    /// signed anew) and updates older than the shipment's status change nothing and still answer 200, so the carrier
    /// stops retrying them.
    /// </summary>
    private static async Task<Results<Ok<ShipmentResponse>, ValidationProblem, ProblemHttpResult>> Webhook(
        HttpRequest request,
        CarrierWebhookSecret secret,
        TimeProvider clock,
        IOptions<JsonOptions> json,
        TrackingUpdates tracking,
        ShippingDbContext db,
        ILogger<ShippingDbContext> logger,
        CancellationToken cancellationToken)
    {
        // The signature covers the bytes as sent, so the body is read raw and bound only once they are verified.
        byte[] body;
        using (var buffer = new MemoryStream())
        {
            await request.Body.CopyToAsync(buffer, cancellationToken);
            body = buffer.ToArray();
        }

        var now = clock.GetUtcNow();
        if (CarrierWebhookSignature.Verify(request.Headers[CarrierWebhookSignature.Header], body, secret.Key.Span, now, out var refusal)
            is not { } signature)
        {
            logger.LogWarning("Refused a carrier webhook call: {Refusal}", refusal);
            return Unsigned(request.HttpContext, refusal);
        }

        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "The update is application/json.");
        }

        CarrierTrackingUpdate? update;
        try
        {
            update = JsonSerializer.Deserialize<CarrierTrackingUpdate>(body, json.Value.SerializerOptions);
        }
        catch (JsonException exception)
        {
            // As the framework's own body binding fails: the shared handler turns it into the same 400 every route answers.
            throw new BadHttpRequestException("The request body is not valid JSON for this operation.", StatusCodes.Status400BadRequest, exception);
        }

        if (update is null)
        {
            return Problems.Validation("$", "An update is required.");
        }

        var validation = new ValidationErrors();
        if (update.EventId == Guid.Empty)
        {
            validation.Add("eventId", "Required.");
        }

        validation.Text(update.TrackingNumber, "trackingNumber", Limits.TrackingNumber);
        if (!Enum.IsDefined(update.Status))
        {
            validation.Add("status", "LabelCreated, InTransit or Delivered.");
        }

        validation.Check(update.Location is null || update.Location.Length <= Limits.City, "location", $"At most {Limits.City} characters.")
            .NoCardNumber(update.Location, "location");
        if (validation.Any)
        {
            return validation.Problem();
        }

        // The signature is remembered in the transaction of the change it allowed: a copy arriving at the same time
        // waits on the key until this commits, then finds it; a call that changes nothing (404) leaves no trace.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var remembered = await db.Database.ExecuteSqlAsync(
            $"""
             INSERT INTO shipping.accepted_webhook_signatures (signature, signed_at, accepted_at)
             VALUES ({signature.Signature}, {signature.SignedAt}, {now})
             ON CONFLICT (signature) DO NOTHING
             """,
            cancellationToken);
        if (remembered == 0)
        {
            logger.LogWarning("Refused a replayed carrier webhook call for {TrackingNumber}", update.TrackingNumber);
            return Unsigned(request.HttpContext, "This signature was accepted before: the call is a replay.");
        }

        if (await tracking.ApplyAsync(update, cancellationToken) == TrackingOutcome.UnknownTrackingNumber)
        {
            return Problems.NotFound($"No shipment with tracking number {update.TrackingNumber}.");
        }

        await transaction.CommitAsync(cancellationToken);
        var shipment = await db.Shipments.AsNoTracking().FirstAsync(s => s.TrackingNumber == update.TrackingNumber, cancellationToken);
        return TypedResults.Ok(ToResponse(shipment, await ShipmentRoutes.StopOfAsync(db, shipment.Id, cancellationToken)));
    }

    /// <summary>401 naming the scheme that would be accepted, as every 401 must (RFC 9110).</summary>
    private static ProblemHttpResult Unsigned(HttpContext context, string refusal)
    {
        context.Response.Headers.WWWAuthenticate = CarrierWebhookSignature.Header;
        return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Webhook signature refused", detail: refusal);
    }

    private static Results<Ok<CarrierOutageResponse>, ProblemHttpResult> SetOutage(
        CarrierOutageRequest request, ICarrier carrier, ILogger<ShippingDbContext> logger)
    {
        if (carrier is not SimulatedCarrier simulated)
        {
            return Problems.NotFound("Only the simulated carrier has an outage switch.");
        }

        simulated.OutageEnabled = request.Enabled;
        logger.LogWarning("Simulated carrier outage switched {State}", request.Enabled ? "on" : "off");
        return TypedResults.Ok(new CarrierOutageResponse(simulated.OutageEnabled));
    }

    private static ValidationErrors Validate(CreateShipmentRequest request)
    {
        var validation = new ValidationErrors();
        if (request.OrderId == Guid.Empty)
        {
            validation.Add("orderId", "Required.");
        }

        var a = request.Address;
        validation.Text(a.Recipient, "address.recipient", Limits.Name);
        validation.Text(a.Line1, "address.line1", Limits.AddressLine);
        validation.Check(a.Line2 is null || a.Line2.Length <= Limits.AddressLine, "address.line2", $"At most {Limits.AddressLine} characters.");
        validation.Text(a.City, "address.city", Limits.City);
        validation.Check(a.Region is null || a.Region.Length <= Limits.City, "address.region", $"At most {Limits.City} characters.");
        validation.Text(a.PostalCode, "address.postalCode", Limits.PostalCode);
        foreach (var (field, value) in new[] { ("recipient", a.Recipient), ("line1", a.Line1), ("line2", a.Line2), ("city", a.City), ("region", a.Region) })
        {
            validation.NoCardNumber(value, "address." + field);
        }

        if (a.Country is null || a.Country.Length != 2 || !a.Country.All(char.IsAsciiLetterUpper))
        {
            validation.Add("address.country", "An ISO 3166-1 alpha-2 code, e.g. US.");
        }

        if (request.Items.Count is 0 or > Limits.Items)
        {
            validation.Add("items", $"Between 1 and {Limits.Items} lines.");
        }

        for (var i = 0; i < Math.Min(request.Items.Count, Limits.Items); i++)
        {
            var item = request.Items[i];
            validation.Text(item.Sku, $"items[{i}].sku", Limits.Sku);
            if (item.ProductId == Guid.Empty)
            {
                validation.Add($"items[{i}].productId", "Required.");
            }

            if (item.Quantity is < 1 or > Limits.Quantity)
            {
                validation.Add($"items[{i}].quantity", $"Between 1 and {Limits.Quantity}.");
            }
        }

        return validation;
    }

    internal static ShipmentResponse ToResponse(Shipment s, ShipmentStop? route = null) =>
        new(
            s.Id,
            s.OrderId,
            s.Carrier,
            s.TrackingNumber,
            s.Status,
            AddressOf(s.Address),
            [.. s.Items.Select(ItemOf)],
            [.. s.TrackingEvents.OrderBy(t => t.Status).ThenBy(t => t.OccurredAt).Select(t => new TrackingEventResponse(t.Status, t.Location, t.OccurredAt))],
            s.CreatedAt,
            s.DeliveredAt,
            s.Version,
            route);
}
