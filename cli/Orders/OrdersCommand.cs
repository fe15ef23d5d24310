using System.CommandLine;
using System.Globalization;
using Commerce.Workflows.OrderSaga;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Commerce.Cli.Orders;

/// <summary><c>commerce orders list|show|retry|cancel</c>: operators' view of order sagas, straight from Temporal.</summary>
internal static class OrdersCommand
{
    public static Command Create()
    {
        var orders = new Command("orders", "Find, inspect, retry and cancel order sagas.");
        orders.Subcommands.Add(List());
        orders.Subcommands.Add(Show());
        orders.Subcommands.Add(Retry());
        orders.Subcommands.Add(Cancel());
        return orders;
    }

    private static Command List()
    {
        var stuck = new Option<bool>("--stuck") { Description = "Only orders waiting for an operator" };
        var status = new Option<string?>("--status") { Description = "Only orders in this saga stage" };
        status.AcceptOnlyFromAmong([.. SagaStages.All]);
        var limit = new Option<int>("--limit") { Description = "At most this many orders, newest first", DefaultValueFactory = _ => 100 };
        limit.Validators.Add(result =>
        {
            // A token that is not an int at all already has its parse error; reading the value would throw.
            if (result.Tokens is [var token] && int.TryParse(token.Value, CultureInfo.InvariantCulture, out var value) && value is < 1 or > 10_000)
            {
                result.AddError("--limit must be between 1 and 10000.");
            }
        });

        var command = new Command("list", "List order sagas, newest first.") { stuck, status, limit };
        command.SetAction((parseResult, _) => TemporalSession.RunAsync(parseResult, async (client, output) =>
        {
            var query = OrderSearchAttributes.ListQuery(parseResult.GetValue(stuck) ? true : null, parseResult.GetValue(status));
            var sagas = new List<OrderSummary>();
            await foreach (var execution in client.ListWorkflowsAsync(query, new WorkflowListOptions { Limit = parseResult.GetValue(limit) }))
            {
                sagas.Add(OrderSummary.From(execution));
            }

            if (output.IsJson)
            {
                output.WriteJson(sagas);
            }
            else if (sagas.Count == 0)
            {
                output.Line("No matching orders.");
            }
            else
            {
                output.Table(
                    ["ORDER", "STAGE", "ATTENTION", "FAILED STEP", "WORKFLOW", "STARTED (UTC)"],
                    sagas.Select(s => (IReadOnlyList<string>)
                    [
                        s.OrderId, s.Stage ?? "-", s.NeedsAttention ? "yes" : "no", s.FailedStep ?? "-", s.WorkflowStatus,
                        s.StartedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    ]));
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Show()
    {
        var orderId = new Argument<Guid>("order-id") { Description = "The order's id" };
        var command = new Command("show", "Show an order saga's stage, last error and timeline.") { orderId };
        command.SetAction((parseResult, _) => TemporalSession.RunAsync(parseResult, async (client, output) =>
        {
            var id = parseResult.GetValue(orderId);
            var handle = client.GetWorkflowHandle<OrderSagaWorkflow>(OrderSagaWorkflow.IdFor(id));
            WorkflowExecutionDescription description;
            try
            {
                description = await handle.DescribeAsync();
            }
            catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound)
            {
                output.Error($"No saga exists for order {id}: was it submitted?");
                return ExitCodes.NotFound;
            }

            var status = await handle.QueryAsync(workflow => workflow.GetStatus());
            if (output.IsJson)
            {
                output.WriteJson(new { Workflow = description.Id, WorkflowStatus = description.Status.ToString(), Saga = status });
                return ExitCodes.Success;
            }

            output.Line($"Order           {status.OrderId}");
            output.Line($"Workflow        {description.Id} ({description.Status})");
            output.Line($"Stage           {status.Stage}");
            output.Line($"Current step    {status.CurrentStep ?? "-"}");
            output.Line($"Needs attention {(status.NeedsAttention ? $"yes: {status.FailedStep} failed" : "no")}");
            output.Line($"Last error      {status.LastError ?? "-"}");
            output.Line();
            output.Table(
                ["COMPLETED (UTC)", "STEP"],
                status.CompletedSteps.Select(step => (IReadOnlyList<string>)
                    [step.CompletedAt.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture), step.Step]));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Retry()
    {
        var orderId = new Argument<Guid?>("order-id") { Description = "The stuck order to retry", Arity = ArgumentArity.ZeroOrOne };
        var allStuck = new Option<bool>("--all-stuck") { Description = "Retry every order that needs attention" };
        var command = new Command("retry", "Run a stuck order's failed step again, with a fresh retry budget.") { orderId, allStuck };
        command.Validators.Add(result =>
        {
            var hasId = result.GetValue(orderId) is not null;
            if (hasId == result.GetValue(allStuck))
            {
                result.AddError("Give either an order id or --all-stuck.");
            }
        });
        command.SetAction((parseResult, _) => TemporalSession.RunAsync(parseResult, async (client, output) =>
        {
            if (parseResult.GetValue(orderId) is { } id)
            {
                return await ResolveOneAsync(client, output, id, "retried",
                    handle => handle.ExecuteUpdateAsync(workflow => workflow.RetryAsync()));
            }

            var results = new List<BatchResult>();
            await foreach (var execution in client.ListWorkflowsAsync(OrderSearchAttributes.ListQuery(needsAttention: true)))
            {
                var order = OrderSummary.From(execution).OrderId;
                try
                {
                    await client.GetWorkflowHandle<OrderSagaWorkflow>(execution.Id).ExecuteUpdateAsync(workflow => workflow.RetryAsync());
                    results.Add(new BatchResult(order, true, null));
                }
                catch (WorkflowUpdateFailedException e)
                {
                    results.Add(new BatchResult(order, false, e.InnerException?.Message ?? e.Message));
                }
            }

            if (output.IsJson)
            {
                output.WriteJson(results);
            }
            else
            {
                output.Line(results.Count == 0 ? "No stuck orders." : $"Retried {results.Count(r => r.Succeeded)} of {results.Count} stuck orders.");
                foreach (var failure in results.Where(r => !r.Succeeded))
                {
                    output.Line($"  {failure.OrderId}: {failure.Error}");
                }
            }

            return results.All(r => r.Succeeded) ? ExitCodes.Success : ExitCodes.PartialFailure;
        }));
        return command;
    }

    private static Command Cancel()
    {
        var orderId = new Argument<Guid>("order-id") { Description = "The order to cancel" };
        var reason = new Option<string>("--reason")
        {
            Description = "Why; recorded on the order and sent to the customer",
            DefaultValueFactory = _ => "Cancelled by an operator.",
        };
        reason.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>();
            if (string.IsNullOrWhiteSpace(text) || text.Length > MaxReasonLength)
            {
                result.AddError($"--reason must be 1 to {MaxReasonLength} characters.");
            }
            else if (LooksLikeCardNumber(text))
            {
                // The reason is stored on the order and in the saga's history and sent to the customer.
                result.AddError("--reason must not contain a card number.");
            }
        });
        var command = new Command("cancel", "Cancel an order that has not shipped: void or refund, release stock.") { orderId, reason };
        command.SetAction((parseResult, _) => TemporalSession.RunAsync(parseResult, (client, output) =>
            ResolveOneAsync(client, output, parseResult.GetValue(orderId), "cancelled",
                handle => handle.ExecuteUpdateAsync(workflow => workflow.CancelAsync(new CancelOrderRequest(parseResult.GetValue(reason)!))))));
        return command;
    }

    private static async Task<int> ResolveOneAsync(
        ITemporalClient client,
        CommandOutput output,
        Guid orderId,
        string verb,
        Func<WorkflowHandle<OrderSagaWorkflow>, Task<OrderSagaStatus>> update)
    {
        try
        {
            var status = await update(client.GetWorkflowHandle<OrderSagaWorkflow>(OrderSagaWorkflow.IdFor(orderId)));
            if (output.IsJson)
            {
                output.WriteJson(status);
            }
            else
            {
                output.Line($"Order {orderId} {verb}; saga stage {status.Stage}.");
            }

            return ExitCodes.Success;
        }
        catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound)
        {
            output.Error($"No running saga for order {orderId}: it was never submitted or has already finished.");
            return ExitCodes.NotFound;
        }
        catch (WorkflowUpdateFailedException e)
        {
            output.Error($"Order {orderId} was not {verb}: {e.InnerException?.Message ?? e.Message}");
            return ExitCodes.Refused;
        }
    }

    /// <summary>The Checkout API's limit for a cancellation reason.</summary>
    private const int MaxReasonLength = 500;

    /// <summary>
    /// 13–19 digits in a row (single spaces or dashes between groups allowed) passing the Luhn check: the same
    /// rule the services apply to free text (ServiceDefaults' CardNumbers), which the CLI does not reference.
    /// </summary>
    private static bool LooksLikeCardNumber(string text)
    {
        var digits = new List<int>();
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : '\0';
            if (char.IsAsciiDigit(c))
            {
                digits.Add(c - '0');
                continue;
            }

            if (c is ' ' or '-' && digits.Count > 0 && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
            {
                continue;
            }

            if (digits.Count is >= 13 and <= 19
                && digits.AsEnumerable().Reverse().Select((d, n) => n % 2 == 0 ? d : d * 2 > 9 ? (d * 2) - 9 : d * 2).Sum() % 10 == 0)
            {
                return true;
            }

            digits.Clear();
        }

        return false;
    }


    private sealed record BatchResult(string OrderId, bool Succeeded, string? Error);

    private sealed record OrderSummary(
        string OrderId,
        string? Stage,
        bool NeedsAttention,
        string? FailedStep,
        string WorkflowStatus,
        DateTime StartedAt)
    {
        public static OrderSummary From(WorkflowExecution execution)
        {
            var attributes = execution.TypedSearchAttributes;
            return new OrderSummary(
                attributes.TryGetValue(OrderSearchAttributes.OrderId, out var id) ? id : execution.Id,
                attributes.TryGetValue(OrderSearchAttributes.OrderStatus, out var stage) ? stage : null,
                attributes.TryGetValue(OrderSearchAttributes.NeedsAttention, out var attention) && attention,
                attributes.TryGetValue(OrderSearchAttributes.FailedStep, out var step) ? step : null,
                execution.Status == WorkflowExecutionStatus.Running ? "Running" : execution.Status.ToString(),
                execution.StartTime);
        }
    }
}
