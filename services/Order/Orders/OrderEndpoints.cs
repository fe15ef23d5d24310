using Commerce.Customer.Contracts;
using Commerce.Order.Caches;
using Commerce.Order.Contracts;
using Commerce.Pricing.Contracts;
using Commerce.Product.Contracts;
using Commerce.Rules;
using Commerce.ServiceDefaults.Security;
using Npgsql;
using Refit;

namespace Commerce.Order.Orders;

internal static class OrderEndpoints
{
    public static void MapOrders(this RouteGroupBuilder orders)
    {
        orders.MapPost("/", CreateAsync).RequireAuthorization(Access.Customers).ProducesProblems(404, 409, 422, 503);
        orders.MapGet("/", ListAsync).RequireAuthorization(Access.Customers);
        // The saga worker reads the order it ships; the Checkout API relays its caller's token.
        orders.MapGet("/{id:guid}", GetAsync).RequireAuthorization(Access.CustomersAnd(Clients.SagaWorker)).ProducesProblems(404);
        orders.MapPost("/{id:guid}/submit", (Guid id, SubmitOrderRequest? request, Caller caller, HttpContext http,
                    [FromKeyedServices(OrderContext.Name)] ICustomerApi customers, OrderDbContext db, CancellationToken ct) =>
                TransitionAsync(http, caller, db, id, OrderStatus.Submitted, note: null, (order, _) =>
                    OrderTransitions.SubmitAsync(order, request ?? new SubmitOrderRequest(), db, customers, ct), ct))
            .RequireAuthorization(Access.SagaWorker).AcceptsIfMatch().ProducesProblems(404, 422, 503);
        orders.MapPost("/{id:guid}/confirm", (Guid id, OrderTransitionRequest? request, Caller caller, HttpContext http, OrderDbContext db,
                    CancellationToken ct) =>
                TransitionAsync(http, caller, db, id, OrderStatus.Confirmed, request?.Note, (order, _) =>
                    Published(new OrderConfirmed(order.Id, order.CustomerId)), ct))
            .RequireAuthorization(Access.SagaWorker).AcceptsIfMatch().ProducesProblems(404);
        orders.MapPost("/{id:guid}/ship", (Guid id, OrderTransitionRequest? request, Caller caller, HttpContext http, OrderDbContext db,
                    CancellationToken ct) =>
                TransitionAsync(http, caller, db, id, OrderStatus.Shipped, request?.Note, (order, note) =>
                    Published(new OrderShipped(order.Id, order.CustomerId, note)), ct))
            .RequireAuthorization(Access.SagaWorker).AcceptsIfMatch().ProducesProblems(404);
        orders.MapPost("/{id:guid}/deliver", (Guid id, OrderTransitionRequest? request, Caller caller, HttpContext http, OrderDbContext db,
                    CancellationToken ct) =>
                TransitionAsync(http, caller, db, id, OrderStatus.Delivered, request?.Note, (order, _) =>
                    Published(new OrderDelivered(order.Id, order.CustomerId)), ct))
            .RequireAuthorization(Access.SagaWorker).AcceptsIfMatch().ProducesProblems(404);
        // The saga's compensation, and a customer's own cancel of an order never submitted (through the Checkout API,
        // which relays their token): once submitted, only the saga cancels it, because only the saga compensates.
        orders.MapPost("/{id:guid}/cancel", (Guid id, CancelOrderRequest request, Caller caller, HttpContext http, OrderDbContext db,
                    CancellationToken ct) =>
                CancelReasons.Problem(request.Reason) is { } problem
                    ? Task.FromResult<Results<Ok<OrderResponse>, ValidationProblem, ProblemHttpResult>>(Problems.Validation("reason", problem))
                    : TransitionAsync(http, caller, db, id, OrderStatus.Cancelled, request.Reason, (order, reason) =>
                        caller.IsCustomer && order.Status != OrderStatus.Created
                            ? Task.FromResult<Change<OrderCancelled>>(Problems.Conflict(
                                $"Order {order.Id} is {order.Status}: cancel it through POST /checkout/orders/{order.Id}/cancel, which compensates."))
                            : Published(new OrderCancelled(order.Id, order.CustomerId, order.Status, reason!)), ct, "reason"))
            .RequireAuthorization(Access.CustomersAnd(Clients.SagaWorker)).AcceptsIfMatch().ProducesProblems(404);
    }

    private static async Task<Results<Created<OrderResponse>, Ok<OrderResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateOrderRequest request, Caller caller, HttpRequest http, OrderDbContext db, [FromKeyedServices(OrderContext.Name)] ICustomerApi customers,
        [FromKeyedServices(OrderContext.Name)] IProductApi products, [FromKeyedServices(OrderContext.Name)] IPricingApi pricing, TimeProvider time,
        ILogger<OrderDbContext> logger, CancellationToken cancellationToken)
    {
        var key = http.Headers["Idempotency-Key"].ToString();
        var errors = new ValidationErrors()
            .Check(request.CustomerId != Guid.Empty, "customerId", "Required.")
            .Check(request.Items.Count is > 0 and <= OrderLimits.MaxItems, "items", $"Between 1 and {OrderLimits.MaxItems} items.")
            .Check(request.Items.Select(i => i.ProductId).Distinct().Count() == request.Items.Count, "items", "Each product at most once.")
            .Check(key.Length <= OrderLimits.Key, "Idempotency-Key", $"At most {OrderLimits.Key} characters.");
        for (var i = 0; i < request.Items.Count; i++)
        {
            errors.Check(request.Items[i].ProductId != Guid.Empty, $"items[{i}].productId", "Required.")
                .Check(request.Items[i].Quantity is > 0 and <= OrderLimits.MaxQuantity, $"items[{i}].quantity",
                    $"Between 1 and {OrderLimits.MaxQuantity}.");
        }

        if (errors.Any)
        {
            return errors.Problem();
        }

        // A customer orders for themself only; any other id is answered as one that does not exist.
        if (!caller.MayActFor(request.CustomerId))
        {
            return Problems.NotFound($"No customer {request.CustomerId}.");
        }

        var idempotencyKey = key.Length > 0 ? key : null;
        if (idempotencyKey is not null && await FindByKeyAsync(db, request.CustomerId, idempotencyKey, cancellationToken) is { } existing)
        {
            return SameRequest(existing, request) ? TypedResults.Ok(await WithCustomerAsync(db, existing, cancellationToken))
                : Problems.Conflict($"Idempotency-Key {idempotencyKey} was already used for a different order.");
        }

        // An order for no one would only fail at submission; refuse it now, before anything is written.
        try
        {
            var customer = await customers.GetCustomerAsync(request.CustomerId, cancellationToken);
            if (customer.Status != CustomerStatus.Active)
            {
                return Problems.Unprocessable($"Customer {customer.Id} is {customer.Status} and cannot order.");
            }
        }
        catch (ApiException exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return Problems.Unprocessable($"Customer {request.CustomerId} does not exist.");
        }
        catch (Exception exception) when (exception is ApiException or HttpRequestException or TaskCanceledException
                                              && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(exception, "Customer unreachable while creating an order");
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Customer unavailable",
                detail: "The customer could not be checked; nothing was created. Retry later.");
        }

        // The price snapshot, never changed afterwards: the quote's prices and discounts when the order names one,
        // else what Product says now.
        var priced = request.QuoteId is { } quoteId
            ? await SnapshotQuoteAsync(request, quoteId, pricing, time.GetUtcNow(), logger, cancellationToken)
            : await SnapshotProductsAsync(request, db, products, logger, cancellationToken);
        if (priced.Problem is { } refused)
        {
            return refused;
        }

        var snapshot = priced.Snapshot!;
        if (snapshot.Total >= Amounts.Limit)
        {
            return Problems.Unprocessable($"The order's total ({snapshot.Total} {snapshot.Currency}) is not below {Amounts.Limit}; split the order.");
        }

        var now = time.GetUtcNow();
        var order = new Order
        {
            Id = Guid.CreateVersion7(),
            CustomerId = request.CustomerId,
            Status = OrderStatus.Created,
            Currency = snapshot.Currency,
            Total = snapshot.Total,
            OrderDiscount = snapshot.OrderDiscount,
            CouponCode = snapshot.CouponCode,
            QuoteId = request.QuoteId,
            Promotions = [.. snapshot.Promotions],
            IdempotencyKey = idempotencyKey,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
            Items = [.. snapshot.Items],
            History = [new OrderHistoryEntry { Id = Guid.CreateVersion7(), From = null, To = OrderStatus.Created, At = now }],
        };
        db.Orders.Add(order);
        db.AddEvent(new OrderCreated(order.Id, order.CustomerId, OrderTransitions.Lines(order), order.Total, order.Currency, order.CouponCode),
            order.Id, order.Version, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (idempotencyKey is not null
                                                  && exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // A concurrent request with the same key won the race; answer as its repeat.
            db.ChangeTracker.Clear();
            var winner = await FindByKeyAsync(db, request.CustomerId, idempotencyKey, cancellationToken);
            return winner is not null && SameRequest(winner, request)
                ? TypedResults.Ok(await WithCustomerAsync(db, winner, cancellationToken))
                : Problems.Conflict($"Idempotency-Key {idempotencyKey} was already used for a different order.");
        }

        logger.LogInformation("Order {OrderId} created for customer {CustomerId}: {ItemCount} item(s), {Total} {Currency}",
            order.Id, order.CustomerId, order.Items.Count, order.Total, order.Currency);
        http.HttpContext.Response.Headers.ETag = ETags.For(order.Version);
        return TypedResults.Created($"/orders/{order.Id}", await WithCustomerAsync(db, order, cancellationToken));
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> GetAsync(
        Guid id, Caller caller, HttpResponse response, OrderDbContext db, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().Include(o => o.Items).Include(o => o.History)
            .FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        // Another customer's order is answered as a missing one; the saga worker reads every order.
        if (order is null || (caller.IsCustomer && !caller.MayActFor(order.CustomerId)))
        {
            return Problems.NotFound($"No order {id}.");
        }

        response.Headers.ETag = ETags.For(order.Version);
        return TypedResults.Ok(await WithCustomerAsync(db, order, cancellationToken));
    }

    /// <summary>
    /// A customer's list holds their own orders only, whatever the filters: asking for another customer's gives an
    /// empty page, the same as asking for a customer with no orders, so the answer tells nothing about others.
    /// </summary>
    private static async Task<Results<Ok<OrderPage>, ValidationProblem>> ListAsync(
        Caller caller, OrderDbContext db, CancellationToken cancellationToken, OrderStatus? status = null, Guid? customerId = null,
        int? page = null, int? pageSize = null)
    {
        var errors = new ValidationErrors()
            .Check(page is null or (>= 1 and <= 1_000_000), "page", "Between 1 and 1000000.")
            .Check(pageSize is null or (>= 1 and <= 200), "pageSize", "Between 1 and 200.");
        if (errors.Any)
        {
            return errors.Problem();
        }

        var query = db.Orders.AsNoTracking();
        if (caller.IsCustomer)
        {
            query = query.Where(o => o.CustomerId == caller.CustomerId);
        }

        if (status is { } s)
        {
            query = query.Where(o => o.Status == s);
        }

        if (customerId is { } c)
        {
            query = query.Where(o => o.CustomerId == c);
        }

        var (number, size) = (page ?? 1, pageSize ?? 50);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(o => o.CreatedAt).ThenBy(o => o.Id)
            .Skip((number - 1) * size).Take(size)
            .Select(o => new OrderSummary(o.Id, o.CustomerId, o.Status, o.Currency, o.Total, o.Items.Count, o.CreatedAt, o.UpdatedAt, o.Version))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new OrderPage(items, number, size, total));
    }

    /// <summary>
    /// Validates the note, then moves the order to <paramref name="target"/> through the change pipeline: already
    /// there is an idempotent repeat (200, nothing written), an illegal transition a 409, and the history records it.
    /// A customer (admitted by cancel only) gets another customer's order answered as a missing one.
    /// </summary>
    /// <param name="decide">The transition's own rule and event, from the order before it moves.</param>
    private static async Task<Results<Ok<OrderResponse>, ValidationProblem, ProblemHttpResult>> TransitionAsync<TEvent>(
        HttpContext http, Caller caller, OrderDbContext db, Guid id, OrderStatus target, string? note,
        Func<Order, string?, Task<Change<TEvent>>> decide, CancellationToken cancellationToken, string noteField = "note")
        where TEvent : notnull
    {
        var errors = new ValidationErrors()
            .Check(note is null || note.Length <= OrderLimits.Text, noteField, $"At most {OrderLimits.Text} characters.")
            .NoCardNumber(note, noteField);
        if (errors.Any)
        {
            return errors.Problem();
        }

        var order = await db.Orders.Include(o => o.Items).Include(o => o.History)
            .FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (order is not null && caller.IsCustomer && !caller.MayActFor(order.CustomerId))
        {
            return Problems.NotFound($"No order {id}.");
        }

        var changed = await db.ChangeAsync(http, order, $"No order {id}.", async (o, now) =>
        {
            if (!OrderTransitions.IsLegal(o.Status, target))
            {
                return Problems.Conflict($"An order that is {o.Status} cannot become {target}.");
            }

            var change = await decide(o, note);
            if (change.Changed)
            {
                o.History.Add(new OrderHistoryEntry { Id = Guid.CreateVersion7(), From = o.Status, To = target, At = now, Note = note });
                o.Status = target;
                o.UpdatedAt = now;
            }

            return change;
        }, cancellationToken, isRepeat: o => o.Status == target);
        return changed.Problem is { } problem ? problem : TypedResults.Ok(await WithCustomerAsync(db, changed.Aggregate!, cancellationToken));
    }

    private static Task<Change<TEvent>> Published<TEvent>(TEvent @event)
        where TEvent : notnull => Task.FromResult(Change.Publish(@event));

    /// <summary>
    /// Each item's SKU, name and unit price from Order's product cache, which Product's events keep at the owner's
    /// newest version; Product's API is asked only for products not cached yet, and what it answers is cached.
    /// </summary>
    /// <remarks>
    /// A price change (or a discontinuation) applies to new orders once its event has reached Order — within the
    /// outbox's delivery delay, by the owner's version like every cache here — not the instant Product commits it.
    /// That is the specification's eventual consistency and what makes ordering independent of Product being up; an
    /// order already created keeps its snapshot either way, and a customer who wants a guaranteed price uses a quote.
    /// </remarks>
    private static async Task<Priced> SnapshotProductsAsync(
        CreateOrderRequest request, OrderDbContext db, IProductApi products, ILogger logger, CancellationToken cancellationToken)
    {
        var ids = request.Items.Select(i => i.ProductId).ToList();
        // A copy from an event that carried no price (written before events carried the whole state) is not enough.
        var cached = await db.Products.AsNoTracking().Where(p => ids.Contains(p.ProductId) && p.Price != null && p.Currency != null)
            .ToDictionaryAsync(p => p.ProductId, cancellationToken);
        var snapshots = new List<ProductSnapshot>();
        foreach (var item in request.Items)
        {
            if (cached.TryGetValue(item.ProductId, out var copy))
            {
                snapshots.Add(new ProductSnapshot(copy.ProductId, copy.Sku, copy.Name, copy.Price!.Value, copy.Currency!,
                    copy.Discontinued ? ProductStatus.Discontinued : ProductStatus.Active));
                continue;
            }

            try
            {
                var product = await products.GetProductAsync(item.ProductId, cancellationToken);
                snapshots.Add(new ProductSnapshot(product.Id, product.Sku, product.Name, product.Price, product.Currency, product.Status));
                await CacheHandlers.ApplyProductAsync(db, product.Id,
                    new ProductState(product.Sku, product.Name, product.Category, product.Price, product.Currency, product.Status), product.Version,
                    cancellationToken);
            }
            catch (ApiException exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return Problems.Unprocessable($"Product {item.ProductId} does not exist.");
            }
            catch (Exception exception) when (exception is ApiException or HttpRequestException or TaskCanceledException
                                                  && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Product unreachable while creating an order");
                return Problems.Unavailable("Product unavailable", "Product prices could not be fetched; nothing was created. Retry later.");
            }
        }

        await SaveFetchedProductsAsync(db, cancellationToken);
        if (snapshots.FirstOrDefault(p => p.Status != ProductStatus.Active) is { } inactive)
        {
            return Problems.Unprocessable($"Product {inactive.Id} ({inactive.Sku}) is {inactive.Status} and cannot be ordered.");
        }

        if (snapshots.Select(p => p.Currency).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            return Problems.Unprocessable("All products of an order must be priced in one currency.");
        }

        var items = request.Items.Zip(snapshots).Select((x, i) => new OrderItem
        {
            Id = Guid.CreateVersion7(),
            LineNumber = i + 1,
            ProductId = x.Second.Id,
            Sku = x.Second.Sku,
            ProductName = x.Second.Name,
            UnitPrice = x.Second.Price,
            Quantity = x.First.Quantity,
        }).ToList();
        return new PriceSnapshot(items, snapshots[0].Currency, 0, null, []);
    }

    /// <summary>
    /// Saves the copies of products fetched from Product's API on their own, so a refused order still leaves them
    /// cached. An event's copy inserted meanwhile wins the race; should it be older than what the API answered, the event that made
    /// the newer version is still on its way, so the copy converges all the same.
    /// </summary>
    private static async Task SaveFetchedProductsAsync(OrderDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (Checks.IsUniqueViolation(exception))
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// The quote's lines, discounts and coupon, when it is this customer's, still valid and for exactly these items:
    /// what the customer was shown is what the order keeps.
    /// </summary>
    private static async Task<Priced> SnapshotQuoteAsync(
        CreateOrderRequest request, Guid quoteId, IPricingApi pricing, DateTimeOffset now, ILogger logger, CancellationToken cancellationToken)
    {
        QuoteResponse quote;
        try
        {
            quote = await pricing.GetQuoteAsync(quoteId, cancellationToken);
        }
        catch (ApiException exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return Problems.Unprocessable($"Quote {quoteId} does not exist.");
        }
        catch (Exception exception) when (exception is ApiException or HttpRequestException or TaskCanceledException
                                              && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(exception, "Pricing unreachable while creating an order");
            return Problems.Unavailable("Pricing unavailable", "The quote could not be fetched; nothing was created. Retry later.");
        }

        // Order reads quotes as its own client, for every customer: this check is what keeps a quote to its customer.
        if (quote.CustomerId != request.CustomerId)
        {
            return Problems.Unprocessable($"Quote {quoteId} does not exist.");
        }

        if (quote.ExpiresAt <= now)
        {
            return Problems.Unprocessable($"Quote {quoteId} expired at {quote.ExpiresAt:O}; ask for a new one.");
        }

        if (quote.Lines.Count != request.Items.Count
            || !request.Items.All(i => quote.Lines.Any(l => l.ProductId == i.ProductId && l.Quantity == i.Quantity)))
        {
            return Problems.Unprocessable($"Quote {quoteId} is for other items than the order's.");
        }

        var items = request.Items.Select(item => quote.Lines.First(l => l.ProductId == item.ProductId))
            .Select((line, i) => new OrderItem
            {
                Id = Guid.CreateVersion7(),
                LineNumber = i + 1,
                ProductId = line.ProductId,
                Sku = line.Sku,
                ProductName = line.Name,
                UnitPrice = line.UnitPrice,
                Quantity = line.Quantity,
                Discount = line.LineDiscount,
            }).ToList();
        var promotions = quote.Promotions
            .Select(p => new PromotionSnapshot { PromotionId = p.PromotionId, Name = p.Name, CouponCode = p.CouponCode, Discount = p.Discount })
            .ToList();
        return new PriceSnapshot(items, quote.Currency, quote.OrderAdjustments.Sum(a => a.Amount), quote.CouponCode, promotions);
    }

    /// <summary>The customer's order created with <paramref name="key"/>: keys are scoped to the customer.</summary>
    private static Task<Order?> FindByKeyAsync(OrderDbContext db, Guid customerId, string key, CancellationToken cancellationToken) =>
        db.Orders.AsNoTracking().Include(o => o.Items).Include(o => o.History)
            .FirstOrDefaultAsync(o => o.CustomerId == customerId && o.IdempotencyKey == key, cancellationToken);

    private static bool SameRequest(Order order, CreateOrderRequest request) =>
        order.Items.Count == request.Items.Count
        && request.Items.All(i => order.Items.Any(x => x.ProductId == i.ProductId && x.Quantity == i.Quantity));

    /// <summary>The order with what Order's caches hold about its customer and its progress elsewhere.</summary>
    private static async Task<OrderResponse> WithCustomerAsync(OrderDbContext db, Order order, CancellationToken cancellationToken) =>
        order.ToResponse(await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.CustomerId == order.CustomerId, cancellationToken),
            await OrderViews.ProgressAsync(db, order, cancellationToken));

    private sealed record ProductSnapshot(Guid Id, string Sku, string Name, decimal Price, string Currency, ProductStatus Status);

    /// <summary>The prices an order keeps, whatever they came from.</summary>
    private sealed record PriceSnapshot(List<OrderItem> Items, string Currency, decimal OrderDiscount, string? CouponCode, List<PromotionSnapshot> Promotions)
    {
        public decimal Total => Items.Sum(i => i.LineTotal) - OrderDiscount;
    }

    /// <summary>A snapshot, or why there is none.</summary>
    private sealed record Priced(PriceSnapshot? Snapshot, ProblemHttpResult? Problem)
    {
        public static implicit operator Priced(PriceSnapshot snapshot) => new(snapshot, null);

        public static implicit operator Priced(ProblemHttpResult problem) => new(null, problem);
    }
}
