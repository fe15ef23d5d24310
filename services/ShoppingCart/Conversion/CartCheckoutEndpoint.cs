using System.Net;
using Commerce.Checkout.Contracts;
using Commerce.Order.Contracts;
using Commerce.Pricing.Contracts;
using Commerce.ServiceDefaults.Security;
using Commerce.ShoppingCart.Carts;
using Commerce.ShoppingCart.Contracts;
using Microsoft.AspNetCore.Mvc;
using Refit;

namespace Commerce.ShoppingCart.Conversion;

/// <summary>
/// Turns the cart into an order priced by a fresh quote and submits it to the order saga. The conversion is recorded
/// under the customer's Idempotency-Key before the submission, so a retry answers from the same order; Order's own
/// idempotency key is the cart's id and version, so two clicks on the same cart (even with two keys) make one order.
/// Order and Checkout are called with the caller's token: they decide what that customer may order and submit.
/// </summary>
internal static class CartCheckoutEndpoint
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public static RouteGroupBuilder MapCartCheckout(this RouteGroupBuilder carts)
    {
        carts.MapPost("/{customerId:guid}/checkout", CheckoutAsync).WithName("CheckoutCart").RequireAuthorization(Access.Customers)
            .ProducesProblems(404, 409, 422, 429, 503);
        return carts;
    }

    private static async Task<Results<Ok<CartCheckoutResponse>, Accepted<CartCheckoutResponse>, ValidationProblem, ProblemHttpResult>> CheckoutAsync(
        Guid customerId,
        CheckoutCartRequest request,
        [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey,
        Caller caller,
        ShoppingCartDbContext db,
        [FromKeyedServices(ShoppingCartContext.Name)] IPricingApi pricing,
        [FromKeyedServices(ShoppingCartContext.Name)] IOrderApi orders,
        [FromKeyedServices(ShoppingCartContext.Name)] ICheckoutApi checkout,
        TimeProvider time,
        ILogger<ShoppingCartDbContext> logger,
        CancellationToken ct)
    {
        if (!caller.MayActFor(customerId))
        {
            return CartEndpoints.NoSuchCart(customerId);
        }

        var errors = new ValidationErrors()
            .Check(!string.IsNullOrWhiteSpace(idempotencyKey), IdempotencyHeader, "Required: one key per checkout, sent again when retrying it.")
            .Check(idempotencyKey is null || idempotencyKey.Length <= CartLimits.IdempotencyKey, IdempotencyHeader,
                $"At most {CartLimits.IdempotencyKey} characters.")
            .Check(request.PaymentMethodId != Guid.Empty, "paymentMethodId", "Required.");
        if (errors.Any)
        {
            return errors.Problem();
        }

        var key = idempotencyKey!;
        var steps = new Steps(db, checkout, time, logger, request.PaymentMethodId, ct);

        // (1) A checkout already made with this key answers from its order.
        if (await FindAsync(db, customerId, key, ct) is { } recorded)
        {
            return await steps.AnswerFromAsync(recorded);
        }

        // (2) Something to buy, all of it on sale.
        var cart = await CartPricing.LoadAsync(db, customerId, tracked: true, ct);
        if (cart is null || cart.Lines.Count == 0)
        {
            return Problems.Conflict("The cart is empty: there is nothing to check out.");
        }

        var products = await CartPricing.ProductsOfAsync(db, cart, ct);
        if (cart.Lines.FirstOrDefault(l => products.GetValueOrDefault(l.ProductId)?.Active != true) is { } unavailable)
        {
            return Problems.Unprocessable($"Product {unavailable.ProductId} is no longer on sale: remove it from the cart first.");
        }

        // (3) The prices the order will carry.
        var quoted = await CartPricing.QuoteAsync(pricing, customerId, cart.Lines, cart.CouponCode, logger, ct);
        if (quoted.Refusal is { } refusal)
        {
            return Problems.Unprocessable(refusal, "Cart cannot be ordered");
        }

        if (quoted.Quote is not { } quote)
        {
            return Problems.Unavailable("Pricing unavailable", "The cart could not be priced; nothing was ordered. Retry later.");
        }

        // (4) The order, once per version of this cart.
        OrderResponse order;
        try
        {
            order = await orders.CreateOrderAsync(
                new CreateOrderRequest(customerId, [.. cart.Lines.Select(l => new CreateOrderItem(l.ProductId, l.Quantity))], quote.QuoteId),
                $"cart-{cart.Id:N}-v{cart.Version}",
                ct);
        }
        catch (ApiException exception) when (PassedOn(exception.StatusCode, CartPricing.DetailOf(exception)) is { } problem)
        {
            return problem;
        }

        // (5) Recorded before submitting, so a retry after a lost answer finds the order.
        var conversion = new CartConversion
        {
            CustomerId = customerId,
            IdempotencyKey = key,
            CartId = cart.Id,
            CartVersion = cart.Version,
            OrderId = order.Id,
            Total = order.Total,
            Currency = order.Currency,
            CreatedAt = time.GetUtcNow(),
        };
        db.Conversions.Add(conversion);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException exception) when (Checks.IsUniqueViolation(exception))
        {
            // The same key at the same moment (a double click): answer from the one that was recorded.
            db.ChangeTracker.Clear();
            return await steps.AnswerFromAsync((await FindAsync(db, customerId, key, ct))!);
        }

        // (6) and (7): submit, then the cart goes with its event.
        return await steps.SubmitAsync(conversion);
    }

    private static Task<CartConversion?> FindAsync(ShoppingCartDbContext db, Guid customerId, string key, CancellationToken ct) =>
        db.Conversions.AsNoTracking().FirstOrDefaultAsync(c => c.CustomerId == customerId && c.IdempotencyKey == key, ct);

    /// <summary>An owner's refusal, passed on as our problem with its words; null for statuses the exception handler maps.</summary>
    private static ProblemHttpResult? PassedOn(HttpStatusCode status, string? detail) => status switch
    {
        HttpStatusCode.NotFound => Problems.NotFound(detail ?? "Not found."),
        HttpStatusCode.Conflict => Problems.Conflict(detail ?? "Conflict."),
        HttpStatusCode.UnprocessableEntity => Problems.Unprocessable(detail ?? "The order was rejected.", "Order rejected"),
        HttpStatusCode.TooManyRequests => TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
            detail: detail ?? "Too many checkouts; retry later."),
        HttpStatusCode.ServiceUnavailable => Problems.Unavailable("Temporarily unavailable", detail ?? "Retry later."),
        _ => null,
    };

    /// <summary>The steps after the order exists, shared by a first checkout and its repeats.</summary>
    private sealed class Steps(
        ShoppingCartDbContext db, ICheckoutApi checkout, TimeProvider time, ILogger logger, Guid paymentMethodId, CancellationToken ct)
    {
        /// <summary>A recorded conversion: its saga's answer (or its submission, when the first attempt never made it).</summary>
        public async Task<Results<Ok<CartCheckoutResponse>, Accepted<CartCheckoutResponse>, ValidationProblem, ProblemHttpResult>> AnswerFromAsync(
            CartConversion conversion)
        {
            CheckoutOrderResponse state;
            try
            {
                state = await checkout.GetAsync(conversion.OrderId, ct);
            }
            catch (ApiException exception) when (PassedOn(exception.StatusCode, CartPricing.DetailOf(exception)) is { } problem)
            {
                return problem;
            }

            return state.Saga is { } saga
                ? await AnswerAsync(conversion, saga.Accepted, saga.Stage, saga.RejectionReason)
                : await SubmitAsync(conversion);
        }

        /// <summary>(6) Submits the order to its saga (a repeat answers from the same saga) and maps the early answer.</summary>
        public async Task<Results<Ok<CartCheckoutResponse>, Accepted<CartCheckoutResponse>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
            CartConversion conversion)
        {
            using var response = await checkout.SubmitAsync(conversion.OrderId, new SubmitCheckoutRequest(paymentMethodId), ct);
            var status = response.StatusCode ?? 0;
            if (response.IsSuccessful && response.Content is { } submission)
            {
                return await AnswerAsync(conversion, status == HttpStatusCode.OK ? true : null, submission.Saga.Stage, null);
            }

            var detail = response.Error is ApiException error ? CartPricing.DetailOf(error) : null;
            if (status == HttpStatusCode.UnprocessableEntity)
            {
                return await AnswerAsync(conversion, false, null, detail);
            }

            if (PassedOn(status, detail) is { } problem)
            {
                return problem;
            }

            if (response.Error is { } unexpected)
            {
                throw unexpected; // a 5xx becomes our 503 (the exception handler), anything else is a bug to see
            }

            throw new InvalidOperationException($"Checkout answered {(int)status} without a body.");
        }

        /// <summary>
        /// (7) Accepted or pending: the cart goes, with CartConvertedToOrder, in one transaction — unless it changed
        /// since the order was made from it (then it is a new cart's business). Rejected: the cart stays, and its
        /// version moves on so the next checkout makes a new order instead of answering from the rejected one.
        /// </summary>
        private async Task<Results<Ok<CartCheckoutResponse>, Accepted<CartCheckoutResponse>, ValidationProblem, ProblemHttpResult>> AnswerAsync(
            CartConversion conversion, bool? accepted, string? stage, string? rejection)
        {
            var cart = await db.Carts.Include(c => c.Lines)
                .FirstOrDefaultAsync(c => c.Id == conversion.CartId && c.Version == conversion.CartVersion, ct);
            if (cart is not null)
            {
                var now = time.GetUtcNow();
                cart.Version++;
                if (accepted == false)
                {
                    cart.UpdatedAt = now;
                }
                else
                {
                    db.AddEvent(
                        new CartConvertedToOrder(cart.Id, cart.CustomerId, conversion.OrderId,
                            [.. cart.Lines.Select(l => new ConvertedLine(l.ProductId, l.Quantity))], cart.CouponCode),
                        cart.Id.ToString(), cart.Version, now);
                    db.Carts.Remove(cart);
                }

                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateConcurrencyException)
                {
                    // A concurrent click converted it, or the customer changed it meanwhile: nothing left to do here.
                    logger.LogInformation("Cart {CartId} changed while order {OrderId} was made from it", conversion.CartId, conversion.OrderId);
                }
            }

            var answer = (string outcome) =>
                new CartCheckoutResponse(conversion.CartId, conversion.OrderId, outcome, stage, conversion.Total, conversion.Currency);
            return accepted switch
            {
                true => TypedResults.Ok(answer(SubmissionOutcomes.Accepted)),
                null => TypedResults.Accepted($"/checkout/orders/{conversion.OrderId}", answer(SubmissionOutcomes.Pending)),
                false => Problems.Unprocessable(rejection ?? "The order was rejected.", "Order rejected"),
            };
        }
    }
}
