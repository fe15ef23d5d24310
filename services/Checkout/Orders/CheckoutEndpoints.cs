using System.Net;
using Commerce.Checkout.Contracts;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Rules;
using Commerce.ServiceDefaults.Security;
using Commerce.Workflows.OrderSaga;
using Refit;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Commerce.Checkout.Orders;

/// <summary>Submit, follow, cancel and retry orders: each call starts or steers the order's one saga.</summary>
internal static class CheckoutEndpoints
{
    public static IEndpointRouteBuilder MapCheckoutOrders(this IEndpointRouteBuilder endpoints)
    {
        var orders = endpoints.MapContextGroup(CheckoutModule.Name, "/checkout/orders");
        // A customer's own orders (another's answer 404): Order, called with the caller's token, decides too.
        orders.MapPost("/{orderId:guid}/submit", SubmitAsync).RequireAuthorization(Access.Customers).RequireRateLimiting(RateLimits.OrderSubmission)
            .ProducesProblems(404, 409, 422, 429, 503);
        orders.MapGet("/{orderId:guid}", GetAsync).RequireAuthorization(Access.Customers).ProducesProblems(404);
        orders.MapPost("/{orderId:guid}/cancel", CancelAsync).RequireAuthorization(Access.Customers).ProducesProblems(404, 409);
        // Operator tools: a parked saga's retry, and the sagas of every customer.
        orders.MapPost("/{orderId:guid}/retry", RetryAsync).RequireAuthorization(Access.Operators).ProducesProblems(404, 409);
        orders.MapGet("/", ListAsync).RequireAuthorization(Access.Operators);
        return endpoints;
    }

    /// <summary>
    /// Starts the saga with update-with-start and answers as soon as it decides: 200 accepted, 422 rejected, or 202
    /// while it is still deciding or waits for an operator. A repeat answers from the same saga, so a client may
    /// retry a timed-out submit without fear of a second charge.
    /// </summary>
    private static async Task<Results<Ok<SubmissionResponse>, Accepted<SubmissionResponse>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
        Guid orderId,
        SubmitCheckoutRequest request,
        Caller caller,
        [FromKeyedServices(CheckoutModule.Name)] IOrderApi orders,
        [FromKeyedServices(CheckoutModule.Name)] IPaymentApi payments,
        OrderSagaClient sagas,
        IOptions<CheckoutOptions> options,
        CancellationToken cancellationToken)
    {
        if (request.PaymentMethodId == Guid.Empty)
        {
            return Problems.Validation("paymentMethodId", "Required.");
        }

        if (await FindOrderAsync(orders, orderId, cancellationToken) is not { } order || !caller.MayActFor(order.CustomerId))
        {
            return Problems.NotFound($"Order {orderId} does not exist.");
        }

        if (order.Status == OrderStatus.Created
            && await RefusePaymentMethodAsync(payments, request.PaymentMethodId, order.CustomerId, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var workflowId = OrderSagaWorkflow.IdFor(orderId);
        using var decisionWait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        decisionWait.CancelAfter(options.Value.DecisionTimeout);
        try
        {
            if (order.Status == OrderStatus.Created)
            {
                var input = new OrderSagaInput(orderId, order.CustomerId, request.PaymentMethodId, options.Value.Saga);
                return Answer(orderId, SagaViews.From(workflowId, WorkflowExecutionStatus.Running, await sagas.SubmitAsync(input, decisionWait.Token)));
            }

            // Past Created: a repeat of an earlier submit answers from that submit's saga.
            switch (await sagas.DescribeAsync(orderId))
            {
                case null:
                    return Problems.Conflict($"Order {orderId} is {order.Status}; only a Created order can be submitted.");
                case { Status: WorkflowExecutionStatus.Running }:
                    var status = await sagas.WaitForDecisionAsync(orderId, decisionWait.Token);
                    return Answer(orderId, SagaViews.From(workflowId, WorkflowExecutionStatus.Running, status));
                case var finished:
                    return Answer(orderId, SagaViews.From(workflowId, finished.Status, await sagas.Handle(orderId).QueryAsync(s => s.GetStatus())));
            }
        }
        catch (Exception e) when (decisionWait.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                                  && (e is OperationCanceledException or WorkflowUpdateRpcTimeoutOrCanceledException
                                      || e is RpcException { Code: RpcException.StatusCode.Cancelled }))
        {
            // No decision yet (e.g. the gateway is slow): the saga carries on; the caller follows it with GET.
            return await sagas.FindAsync(orderId) is { } pending
                ? TypedResults.Accepted($"/checkout/orders/{orderId}", new SubmissionResponse(orderId, SubmissionOutcomes.Pending, SagaViews.From(pending)))
                : TypedResults.Problem(
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "Temporal did not answer in time",
                    detail: $"The start of order {orderId}'s saga was not confirmed in time; submitting again is safe.");
        }
    }

    private static async Task<Results<Ok<CheckoutOrderResponse>, ProblemHttpResult>> GetAsync(
        Guid orderId, Caller caller, [FromKeyedServices(CheckoutModule.Name)] IOrderApi orders, OrderSagaClient sagas, CancellationToken cancellationToken)
    {
        if (await FindOrderAsync(orders, orderId, cancellationToken) is not { } order || !caller.MayActFor(order.CustomerId))
        {
            return Problems.NotFound($"Order {orderId} does not exist.");
        }

        var saga = await sagas.FindAsync(orderId) is { } found ? SagaViews.From(found) : null;
        return TypedResults.Ok(new CheckoutOrderResponse(order.Id, order.Status.ToString(), order.Total, order.Currency, saga));
    }

    /// <summary>Cancels through the saga when there is one (it compensates); an order never submitted is cancelled at Order directly.</summary>
    private static async Task<Results<Accepted<CheckoutOrderResponse>, ValidationProblem, ProblemHttpResult>> CancelAsync(
        Guid orderId, CancelCheckoutRequest request, Caller caller, [FromKeyedServices(CheckoutModule.Name)] IOrderApi orders, OrderSagaClient sagas,
        CancellationToken cancellationToken)
    {
        if (CancelReasons.Problem(request.Reason) is { } problem)
        {
            return Problems.Validation("reason", problem);
        }

        if (await FindOrderAsync(orders, orderId, cancellationToken) is not { } order || !caller.MayActFor(order.CustomerId))
        {
            return Problems.NotFound($"Order {orderId} does not exist.");
        }

        var description = await sagas.DescribeAsync(orderId);
        if (description is null)
        {
            try
            {
                order = await orders.CancelAsync(orderId, new CancelOrderRequest(request.Reason), cancellationToken: cancellationToken);
            }
            catch (ApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                return Problems.Conflict($"Order {orderId} is {order.Status} and cannot be cancelled.");
            }

            return TypedResults.Accepted($"/checkout/orders/{orderId}", new CheckoutOrderResponse(order.Id, order.Status.ToString(), order.Total, order.Currency, null));
        }

        if (description.Status != WorkflowExecutionStatus.Running)
        {
            return Problems.Conflict($"Order {orderId}'s saga has already finished ({description.Status}).");
        }

        var cancelled = await sagas.CancelAsync(orderId, request.Reason);
        return cancelled.Outcome switch
        {
            SagaCommandOutcome.Done => TypedResults.Accepted(
                $"/checkout/orders/{orderId}",
                new CheckoutOrderResponse(order.Id, order.Status.ToString(), order.Total, order.Currency,
                    SagaViews.From(description.Id, WorkflowExecutionStatus.Running, cancelled.Status!))),
            SagaCommandOutcome.Refused => Problems.Conflict(cancelled.Refusal!),
            // The saga finished (e.g. delivered) between the describe and the update.
            _ => Problems.Conflict($"Order {orderId}'s saga has already finished."),
        };
    }

    private static async Task<Results<Ok<SagaView>, ProblemHttpResult>> RetryAsync(Guid orderId, OrderSagaClient sagas)
    {
        var retried = await sagas.RetryAsync(orderId);
        return retried.Outcome switch
        {
            SagaCommandOutcome.Done => TypedResults.Ok(SagaViews.From(OrderSagaWorkflow.IdFor(orderId), WorkflowExecutionStatus.Running, retried.Status!)),
            SagaCommandOutcome.Refused => Problems.Conflict(retried.Refusal!),
            _ => Problems.NotFound($"Order {orderId} has no running saga."),
        };
    }

    /// <summary>Sagas newest first, from Temporal's visibility store (the same data the Web UI and the CLI show).</summary>
    private static async Task<Results<Ok<SagaSummaryPage>, ValidationProblem>> ListAsync(
        OrderSagaClient sagas, string? stage, bool? needsAttention, int? limit)
    {
        var errors = new ValidationErrors()
            .Check(stage is null || SagaStages.All.Contains(stage), "stage", $"One of: {string.Join(", ", SagaStages.All)}.")
            .Check(limit is null or (>= 1 and <= 1000), "limit", "Between 1 and 1000.");
        if (errors.Any)
        {
            return errors.Problem();
        }

        var items = new List<SagaSummary>();
        await foreach (var summary in sagas.ListAsync(needsAttention, stage, limit ?? 100))
        {
            items.Add(SagaViews.Summary(summary));
        }

        return TypedResults.Ok(new SagaSummaryPage(items));
    }

    private static Results<Ok<SubmissionResponse>, Accepted<SubmissionResponse>, ValidationProblem, ProblemHttpResult> Answer(Guid orderId, SagaView saga) =>
        saga.Accepted switch
        {
            true => TypedResults.Ok(new SubmissionResponse(orderId, SubmissionOutcomes.Accepted, saga)),
            false => Problems.Unprocessable(saga.RejectionReason ?? "The order was rejected.", "Order rejected"),
            null => TypedResults.Accepted($"/checkout/orders/{orderId}", new SubmissionResponse(orderId, SubmissionOutcomes.Pending, saga)),
        };

    /// <summary>
    /// Only a card of the order's own customer is accepted. Another customer's card gets the same answer as a missing
    /// one: the answer must not tell which cards exist. When Payment cannot answer (unreachable, or answering anything
    /// but the card or 404), the submit fails closed: 503 with Retry-After, and no saga is started. Payment checks the
    /// owner again at authorization; this check spares a saga, its reservation and its compensation for a card that
    /// was never going to pass.
    /// </summary>
    private static async Task<ProblemHttpResult?> RefusePaymentMethodAsync(
        IPaymentApi payments, Guid paymentMethodId, Guid customerId, CancellationToken cancellationToken)
    {
        PaymentMethodResponse? method;
        try
        {
            method = await payments.GetPaymentMethodAsync(paymentMethodId, cancellationToken);
        }
        catch (ApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            method = null;
        }
        catch (Exception e) when (e is ApiExceptionBase or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return Problems.Unavailable(
                "Payment unavailable", $"The payment method could not be checked; the order was not submitted. Retry after {Problems.RetryAfterSeconds} seconds.");
        }

        return method is null || method.Removed || method.CustomerId != customerId
            ? Problems.Unprocessable($"Payment method {paymentMethodId} is not a usable card of this order's customer.", "Payment method refused")
            : null;
    }

    private static async Task<OrderResponse?> FindOrderAsync(IOrderApi orders, Guid orderId, CancellationToken cancellationToken)
    {
        try
        {
            return await orders.GetOrderAsync(orderId, cancellationToken);
        }
        catch (ApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
