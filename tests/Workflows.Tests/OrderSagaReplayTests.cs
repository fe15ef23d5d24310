using Commerce.Activities;
using Commerce.Rules;
using Commerce.SagaTesting;
using Commerce.Workflows.OrderSaga;
using Temporalio.Common;
using Temporalio.Worker;

namespace Commerce.Workflows.Tests;

/// <summary>
/// Determinism guard. Histories recorded from earlier versions of the saga live in Histories/; today's code must
/// replay every one of them, or running orders would break on deploy. A change that has to alter the command
/// sequence goes through Workflow.Patched, and new histories are recorded with COMMERCE_RECORD_HISTORIES set to
/// this folder's path.
/// </summary>
public sealed class OrderSagaReplayTests(SagaServer server) : IClassFixture<SagaServer>
{
    private static readonly string RecordedFolder = Path.Combine(AppContext.BaseDirectory, "Histories");

    [Fact]
    public async Task Replay_RecordedHistories_ReplayWithoutNondeterminism()
    {
        var files = Directory.GetFiles(RecordedFolder, "*.json");
        Assert.True(files.Length >= 5, $"Expected recorded histories in {RecordedFolder}, found {files.Length}.");

        var replayer = new WorkflowReplayer(new WorkflowReplayerOptions().AddWorkflow<OrderSagaWorkflow>());
        foreach (var file in files)
        {
            var history = WorkflowHistory.FromJson(Path.GetFileNameWithoutExtension(file), await File.ReadAllTextAsync(file));
            var result = await replayer.ReplayWorkflowAsync(history, throwOnReplayFailure: false);
            Assert.True(result.ReplayFailure is null, $"{Path.GetFileName(file)}: {result.ReplayFailure}");
        }
    }

    [Fact]
    public async Task Replay_FreshHistoriesOfEveryPath_ReplayWithoutNondeterminism()
    {
        var histories = new List<(string Name, WorkflowHistory History)>();
        await RecordAsync("delivered", histories, _ => { });
        await RecordAsync("delivered-authorization-names-customer", histories, _ => { });
        await RecordAsync("out-of-stock", histories, owners => owners.Reject(SagaSteps.ReserveInventory, BusinessFailures.OutOfStock, "none left"));
        await RecordAsync("declined", histories, owners => owners.Reject(SagaSteps.AuthorizePayment, BusinessFailures.PaymentDeclined, "declined"));
        await RecordAsync("parked-then-retried", histories, owners => owners.FailAlways(SagaSteps.ReserveInventory), healAndRetry: SagaSteps.ReserveInventory);
        await RecordAsync("cancel-signal-with-unacceptable-reason", histories, owners => owners.FailAlways(SagaSteps.CreateShipment),
            cancelSignalReason: new string('x', CancelReasons.MaxLength + 1));
        await RecordAsync("reservation-committed-then-refusal-parked", histories,
            owners => owners.Reject(SagaSteps.FulfilInventory, BusinessFailures.RuleViolated, "reservation expired"),
            healAndRetry: SagaSteps.FulfilInventory);
        await RecordAsync("delivery-signalled-early-then-for-another-shipment", histories,
            owners =>
            {
                owners.CarrierDeliversAtOnce = false;
                owners.FailAlways(SagaSteps.CreateShipment);
            },
            steer: async (harness, order) =>
            {
                await harness.WaitForStatusAsync(order, status => status.NeedsAttention);
                await harness.Handle(order).SignalAsync(saga => saga.CarrierDeliveredAsync(new CarrierDelivered("FORGED-1", DateTimeOffset.UtcNow)));
                harness.Owners.Heal(SagaSteps.CreateShipment);
                await harness.Handle(order).ExecuteUpdateAsync(saga => saga.RetryAsync());
                // Sagas since the delivery check wait for their own shipment's delivery; earlier ones took the first.
                var shipped = await harness.WaitForStatusAsync(order, status => status.CurrentStep == SagaSteps.AwaitDelivery || status.Stage == SagaStages.Delivered);
                if (shipped.Stage != SagaStages.Delivered)
                {
                    await harness.Handle(order).SignalAsync(saga => saga.CarrierDeliveredAsync(new CarrierDelivered("FORGED-2", DateTimeOffset.UtcNow)));
                    await harness.Handle(order).SignalAsync(saga => saga.CarrierDeliveredAsync(new CarrierDelivered(FakeOwners.TrackingNumber, DateTimeOffset.UtcNow)));
                }
            });

        await RecordAsync("cancelled-while-capturing", histories, owners => owners.Hold(SagaSteps.CapturePayment),
            steer: async (harness, order) =>
            {
                while (harness.Owners.CountOf(SagaSteps.CapturePayment) == 0)
                {
                    await Task.Delay(20);
                }

                await harness.Handle(order).ExecuteUpdateAsync(saga => saga.CancelAsync(new CancelSagaRequest("Changed my mind")));
                // Since steps-finish-before-compensation the refund waits for the capture still at the gateway.
                harness.Owners.Release(SagaSteps.CapturePayment);
            });

        await RecordAsync("coupon-claimed-then-cancelled", histories, owners =>
            {
                owners.CouponCode = "SAVE5";
                owners.FailAlways(SagaSteps.CreateShipment);
            },
            cancelSignalReason: "Changed my mind");
        await RecordAsync("coupon-refused", histories, owners =>
        {
            owners.CouponCode = "SAVE5";
            owners.Reject(SagaSteps.ApplyPromotion, BusinessFailures.RuleViolated, "used up");
        });

        var replayer = new WorkflowReplayer(new WorkflowReplayerOptions().AddWorkflow<OrderSagaWorkflow>());
        foreach (var (name, history) in histories)
        {
            var result = await replayer.ReplayWorkflowAsync(history, throwOnReplayFailure: false);
            Assert.True(result.ReplayFailure is null, $"{name}: {result.ReplayFailure}");
        }

        // A recording is never overwritten: it stands for the sagas still running on the version that made it.
        if (Environment.GetEnvironmentVariable("COMMERCE_RECORD_HISTORIES") is { Length: > 0 } folder)
        {
            foreach (var (name, history) in histories.Where(h => !File.Exists(Path.Combine(folder, $"{h.Name}.json"))))
            {
                await File.WriteAllTextAsync(Path.Combine(folder, $"{name}.json"), history.ToJson());
            }
        }
    }

    private async Task RecordAsync(
        string name,
        List<(string Name, WorkflowHistory History)> histories,
        Action<FakeOwners> script,
        string? healAndRetry = null,
        string? cancelSignalReason = null,
        Func<SagaHarness, OrderSagaInput, Task>? steer = null)
    {
        await using var harness = SagaHarness.Start(server);
        script(harness.Owners);
        var order = SagaHarness.NewOrder();
        await harness.SubmitAsync(order);
        if (steer is not null)
        {
            await steer(harness, order);
        }
        if (healAndRetry is not null)
        {
            await harness.WaitForStatusAsync(order, status => status.NeedsAttention);
            harness.Owners.Heal(healAndRetry);
            await harness.Handle(order).ExecuteUpdateAsync(saga => saga.RetryAsync());
        }

        if (cancelSignalReason is not null)
        {
            await harness.WaitForStatusAsync(order, status => status.NeedsAttention);
            await harness.Handle(order).SignalAsync(saga => saga.CancelSignalAsync(new CancelSagaRequest(cancelSignalReason)));
        }

        await harness.Handle(order).GetResultAsync();
        histories.Add((name, await harness.Handle(order).FetchHistoryAsync()));
    }
}
