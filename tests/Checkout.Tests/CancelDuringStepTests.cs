using Commerce.Checkout.Contracts;
using Commerce.Workflows.OrderSaga;
using Temporalio.Worker;

namespace Commerce.Checkout.Tests;

/// <summary>
/// A customer's cancel arriving while a step runs, at moments a few milliseconds apart: the update cancels the
/// step's activity, which may finish at the same moment. Every saga must compensate to Cancelled and its history must
/// replay — a cancel request missing from the history made the next replay fail with a nondeterminism error, and the
/// saga stopped in Compensating for good.
/// </summary>
public sealed class CancelDuringStepTests(SagaSystem system) : IClassFixture<SagaSystem>
{
    [Fact]
    public async Task Cancel_RightAfterAcceptance_CompensatesAndEveryHistoryReplays()
    {
        var replayer = new WorkflowReplayer(new WorkflowReplayerOptions().AddWorkflow<OrderSagaWorkflow>());
        var failures = new List<string>();
        for (var attempt = 0; attempt < 6; attempt++)
        {
            var order = await system.NewOrderAsync();
            await system.Checkout.SubmitAsync(order.OrderId, new SubmitCheckoutRequest(order.PaymentMethodId));
            await Task.Delay(attempt * 5);
            await system.Checkout.CancelAsync(order.OrderId, new CancelCheckoutRequest("Changed my mind"));

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var result = await system.Saga(order.OrderId).GetResultAsync(rpcOptions: new() { CancellationToken = patience.Token });
            var replay = await replayer.ReplayWorkflowAsync(await system.Saga(order.OrderId).FetchHistoryAsync(), throwOnReplayFailure: false);
            if (result.Outcome != SagaStages.Cancelled || replay.ReplayFailure is not null)
            {
                failures.Add($"cancel after {attempt * 5} ms: {result.Outcome}; {replay.ReplayFailure?.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}
