using System.CommandLine;
using System.Globalization;
using Commerce.Rules;
using Commerce.Workflows.OrderSaga;

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
        command.SetAction((parseResult, _) => RunAsync(parseResult, async (client, output) =>
        {
            var sagas = new List<OrderSagaSummary>();
            await foreach (var summary in client.ListAsync(parseResult.GetValue(stuck) ? true : null, parseResult.GetValue(status), parseResult.GetValue(limit)))
            {
                sagas.Add(summary);
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
                        s.OrderId.ToString(), s.Stage ?? "-", s.NeedsAttention ? "yes" : "no", s.FailedStep ?? "-", s.WorkflowStatus,
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
        command.SetAction((parseResult, _) => RunAsync(parseResult, async (client, output) =>
        {
            var id = parseResult.GetValue(orderId);
            if (await client.FindAsync(id) is not { } saga)
            {
                output.Error($"No saga exists for order {id}: was it submitted?");
                return ExitCodes.NotFound;
            }

            var status = saga.Saga;
            if (output.IsJson)
            {
                output.WriteJson(new { Workflow = saga.WorkflowId, WorkflowStatus = saga.WorkflowStatus.ToString(), Saga = status });
                return ExitCodes.Success;
            }

            output.Line($"Order           {status.OrderId}");
            output.Line($"Workflow        {saga.WorkflowId} ({saga.WorkflowStatus})");
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
        command.SetAction((parseResult, _) => RunAsync(parseResult, async (client, output) =>
        {
            if (parseResult.GetValue(orderId) is { } id)
            {
                return Report(output, id, "retried", await client.RetryAsync(id));
            }

            var results = new List<BatchResult>();
            await foreach (var stuckOrder in client.ListAsync(needsAttention: true))
            {
                var retried = await client.RetryAsync(stuckOrder.OrderId);
                results.Add(retried.Outcome switch
                {
                    SagaCommandOutcome.Done => new BatchResult(stuckOrder.OrderId, true, null),
                    SagaCommandOutcome.Refused => new BatchResult(stuckOrder.OrderId, false, retried.Refusal),
                    _ => new BatchResult(stuckOrder.OrderId, false, "Its saga finished meanwhile."),
                });
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
            // Refused here rather than by the saga: Order's own rules, said before anything is sent.
            if (CancelReasons.Problem(result.GetValueOrDefault<string>()) is { } problem)
            {
                result.AddError($"--reason: {problem}");
            }
        });
        var command = new Command("cancel", "Cancel an order that has not shipped: void or refund, release stock.") { orderId, reason };
        command.SetAction((parseResult, _) => RunAsync(parseResult, async (client, output) =>
        {
            var id = parseResult.GetValue(orderId);
            return Report(output, id, "cancelled", await client.CancelAsync(id, parseResult.GetValue(reason)!));
        }));
        return command;
    }

    private static Task<int> RunAsync(ParseResult parseResult, Func<OrderSagaClient, CommandOutput, Task<int>> command) =>
        TemporalSession.RunAsync(parseResult, (temporal, output) => command(new OrderSagaClient(temporal), output));

    private static int Report(CommandOutput output, Guid orderId, string verb, SagaCommandResult result)
    {
        switch (result.Outcome)
        {
            case SagaCommandOutcome.Done when output.IsJson:
                output.WriteJson(result.Status);
                return ExitCodes.Success;
            case SagaCommandOutcome.Done:
                output.Line($"Order {orderId} {verb}; saga stage {result.Status!.Stage}.");
                return ExitCodes.Success;
            case SagaCommandOutcome.Refused:
                output.Error($"Order {orderId} was not {verb}: {result.Refusal}");
                return ExitCodes.Refused;
            default:
                output.Error($"No running saga for order {orderId}: it was never submitted or has already finished.");
                return ExitCodes.NotFound;
        }
    }

    private sealed record BatchResult(Guid OrderId, bool Succeeded, string? Error);
}
