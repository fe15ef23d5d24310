using System.Net;
using Commerce.Checkout.Contracts;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Http;
using Commerce.Workflows.OrderSaga;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Refit;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using CancelOrderRequest = Commerce.Checkout.Contracts.CancelOrderRequest;
using SubmitOrderRequest = Commerce.Checkout.Contracts.SubmitOrderRequest;

namespace Commerce.Checkout.Orders;

/// <summary>Submit, follow, cancel and retry orders: each call starts or steers the order's one saga.</summary>
internal static class CheckoutEndpoints
{
    private const int MaxReasonLength = 500;

    public static IEndpointRouteBuilder MapCheckoutOrders(this IEndpointRouteBuilder endpoints)
    {
        var orders = endpoints.MapContextGroup(CheckoutModule.Name, "/checkout/orders");
        orders.MapPost("/{orderId:guid}/submit", SubmitAsync).ProducesProblems(404, 409, 422, 503);
        orders.MapGet("/{orderId:guid}", GetAsync).ProducesProblems(404);
        orders.MapPost("/{orderId:guid}/cancel", CancelAsync).ProducesProblems(404, 409);
        orders.MapPost("/{orderId:guid}/retry", RetryAsync).ProducesProblems(404, 409);
        orders.MapGet("/", ListAsync);
        return endpoints;
    }

    /// <summary>
    /// Starts the saga with update-with-start and answers as soon as it decides: 200 accepted, 422 rejected, or 202
    /// while it is still deciding or waits for an operator. A repeat answers from the same saga, so a client may
    /// retry a timed-out submit without fear of a second charge.
    /// </summary>
    private static async Task<Results<Ok<SubmissionResponse>, Accepted<SubmissionResponse>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
        Guid orderId,
        SubmitOrderRequest request,
        IOrderApi orders,
        IPaymentApi payments,
        ITemporalClient temporal,
        IOptions<CheckoutOptions> options,
        CancellationToken cancellationToken)
    {
        if (request.PaymentMethodId == Guid.Empty)
        {
            return Problems.Validation("paymentMethodId", "Required.");
        }

        if (await FindOrderAsync(orders, orderId, cancellationToken) is not { } order)
        {
            return Problems.NotFound($"Order {orderId} does not exist.");
        }

        if (order.Status == OrderStatus.Created
            && await RefusePaymentMethodAsync(payments, request.PaymentMethodId, order.CustomerId, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var saga = temporal.GetWorkflowHandle<OrderSagaWorkflow>(OrderSagaWorkflow.IdFor(orderId));
        using var decisionWait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        decisionWait.CancelAfter(options.Value.DecisionTimeout);
        var rpc = new RpcOptions { CancellationToken = decisionWait.Token };
        try
        {
            if (order.Status == OrderStatus.Created)
            {
                var input = new OrderSagaInput(orderId, order.CustomerId, request.PaymentMethodId, options.Value.Saga);
                var start = WithStartWorkflowOperation.Create(
                    (OrderSagaWorkflow s) => s.RunAsync(input),
                    new WorkflowOptions(saga.Id, OrderSagaWorkflow.TaskQueue)
                    {
                        // Concurrent submits join the one running saga; a finished saga is never started again.
                        IdConflictPolicy = WorkflowIdConflictPolicy.UseExisting,
                        IdReusePolicy = WorkflowIdReusePolicy.RejectDuplicate,
                        TypedSearchAttributes = OrderSearchAttributes.ForNewSaga(input),
                    });
                var decided = await temporal.ExecuteUpdateWithStartWorkflowAsync(
                    (OrderSagaWorkflow s) => s.WaitForDecisionAsync(), new WorkflowUpdateWithStartOptions(start) { Rpc = rpc });
                return Answer(orderId, SagaViews.From(saga.Id, WorkflowExecutionStatus.Running, decided));
            }

            // Past Created: a repeat of an earlier submit answers from that submit's saga.
            switch (await DescribeAsync(saga))
            {
                case null:
                    return Problems.Conflict($"Order {orderId} is {order.Status}; only a Created order can be submitted.");
                case { Status: WorkflowExecutionStatus.Running }:
                    var status = await saga.ExecuteUpdateAsync(s => s.WaitForDecisionAsync(), new WorkflowUpdateOptions { Rpc = rpc });
                    return Answer(orderId, SagaViews.From(saga.Id, WorkflowExecutionStatus.Running, status));
                case var finished:
                    return Answer(orderId, SagaViews.From(saga.Id, finished.Status, await saga.QueryAsync(s => s.GetStatus())));
            }
        }
        catch (Exception e) when (decisionWait.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                                  && (e is OperationCanceledException or WorkflowUpdateRpcTimeoutOrCanceledException
                                      || e is RpcException { Code: RpcException.StatusCode.Cancelled }))
        {
            // No decision yet (e.g. the gateway is slow): the saga carries on; the caller follows it with GET.
            return await FindSagaAsync(temporal, orderId) is { } pending
                ? TypedResults.Accepted($"/checkout/orders/{orderId}", new SubmissionResponse(orderId, SubmissionOutcomes.Pending, pending))
                : TypedResults.Problem(
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "Temporal did not answer in time",
                    detail: $"The start of order {orderId}'s saga was not confirmed in time; submitting again is safe.");
        }
    }

    private static async Task<Results<Ok<CheckoutOrderResponse>, ProblemHttpResult>> GetAsync(
        Guid orderId, IOrderApi orders, ITemporalClient temporal, CancellationToken cancellationToken)
    {
        if (await FindOrderAsync(orders, orderId, cancellationToken) is not { } order)
        {
            return Problems.NotFound($"Order {orderId} does not exist.");
        }

        return TypedResults.Ok(new CheckoutOrderResponse(order.Id, order.Status.ToString(), order.Total, order.Currency, await FindSagaAsync(temporal, orderId)));
    }

    /// <summary>Cancels through the saga when there is one (it compensates); an order never submitted is cancelled at Order directly.</summary>
    private static async Task<Results<Accepted<CheckoutOrderResponse>, ValidationProblem, ProblemHttpResult>> CancelAsync(
        Guid orderId, CancelOrderRequest request, IOrderApi orders, ITemporalClient temporal, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().Text(request.Reason, "reason", MaxReasonLength).NoCardNumber(request.Reason, "reason");
        if (errors.Any)
        {
            return errors.Problem();
        }

        if (await FindOrderAsync(orders, orderId, cancellationToken) is not { } order)
        {
            return Problems.NotFound($"Order {orderId} does not exist.");
        }

        var saga = temporal.GetWorkflowHandle<OrderSagaWorkflow>(OrderSagaWorkflow.IdFor(orderId));
        var description = await DescribeAsync(saga);
        if (description is null)
        {
            try
            {
                order = await orders.CancelAsync(orderId, new Order.Contracts.CancelOrderRequest(request.Reason), cancellationToken: cancellationToken);
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

        try
        {
            var status = await saga.ExecuteUpdateAsync(s => s.CancelAsync(new Workflows.OrderSaga.CancelOrderRequest(request.Reason)));
            return TypedResults.Accepted(
                $"/checkout/orders/{orderId}",
                new CheckoutOrderResponse(order.Id, order.Status.ToString(), order.Total, order.Currency, SagaViews.From(saga.Id, WorkflowExecutionStatus.Running, status)));
        }
        catch (WorkflowUpdateFailedException e)
        {
            return Problems.Conflict(e.InnerException?.Message ?? e.Message);
        }
        catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound)
        {
            // The saga finished (e.g. delivered) between the describe and the update.
            return Problems.Conflict($"Order {orderId}'s saga has already finished.");
        }
    }

    private static async Task<Results<Ok<SagaView>, ProblemHttpResult>> RetryAsync(Guid orderId, ITemporalClient temporal)
    {
        var saga = temporal.GetWorkflowHandle<OrderSagaWorkflow>(OrderSagaWorkflow.IdFor(orderId));
        if (await DescribeAsync(saga) is not { Status: WorkflowExecutionStatus.Running })
        {
            return Problems.NotFound($"Order {orderId} has no running saga.");
        }

        try
        {
            var status = await saga.ExecuteUpdateAsync(s => s.RetryAsync());
            return TypedResults.Ok(SagaViews.From(saga.Id, WorkflowExecutionStatus.Running, status));
        }
        catch (WorkflowUpdateFailedException e)
        {
            return Problems.Conflict(e.InnerException?.Message ?? e.Message);
        }
        catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound)
        {
            return Problems.NotFound($"Order {orderId} has no running saga.");
        }
    }

    /// <summary>Sagas newest first, from Temporal's visibility store (the same data the Web UI and the CLI show).</summary>
    private static async Task<Results<Ok<SagaSummaryPage>, ValidationProblem>> ListAsync(
        ITemporalClient temporal, string? stage, bool? needsAttention, int? limit)
    {
        var errors = new ValidationErrors()
            .Check(stage is null || SagaStages.All.Contains(stage), "stage", $"One of: {string.Join(", ", SagaStages.All)}.")
            .Check(limit is null or (>= 1 and <= 1000), "limit", "Between 1 and 1000.");
        if (errors.Any)
        {
            return errors.Problem();
        }

        var items = new List<SagaSummary>();
        var query = OrderSearchAttributes.ListQuery(needsAttention, stage);
        await foreach (var execution in temporal.ListWorkflowsAsync(query, new WorkflowListOptions { Limit = limit ?? 100 }))
        {
            items.Add(SagaViews.Summary(execution));
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

    private static async Task<SagaView?> FindSagaAsync(ITemporalClient temporal, Guid orderId)
    {
        var saga = temporal.GetWorkflowHandle<OrderSagaWorkflow>(OrderSagaWorkflow.IdFor(orderId));
        if (await DescribeAsync(saga) is not { } description)
        {
            return null;
        }

        try
        {
            return SagaViews.From(saga.Id, description.Status, await saga.QueryAsync(s => s.GetStatus()));
        }
        catch (RpcException) when (description.Status == WorkflowExecutionStatus.Running)
        {
            // No worker answers queries (all down or restarting): the search attributes still say where the saga is.
            var attributes = description.TypedSearchAttributes;
            return SagaViews.From(saga.Id, description.Status, new OrderSagaStatus(
                orderId,
                attributes.TryGetValue(OrderSearchAttributes.OrderStatus, out var stage) ? stage : SagaStages.Submitting,
                null,
                attributes.TryGetValue(OrderSearchAttributes.NeedsAttention, out var attention) && attention,
                attributes.TryGetValue(OrderSearchAttributes.FailedStep, out var failed) ? failed : null,
                "No saga worker answered; the stage is from the saga's search attributes.",
                null,
                []));
        }
    }

    private static async Task<WorkflowExecutionDescription?> DescribeAsync(WorkflowHandle saga)
    {
        try
        {
            return await saga.DescribeAsync();
        }
        catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// The saga authorizes whatever card it is given, so only a card of the order's own customer is accepted. Another
    /// customer's card gets the same answer as a missing one: the answer must not tell which cards exist. When
    /// Payment cannot answer, the submit goes ahead: the saga waits out the outage in its retries, and Payment itself
    /// refuses an unknown or removed card at authorization.
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
        catch (Exception e) when (e is ApiException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            return null;
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
