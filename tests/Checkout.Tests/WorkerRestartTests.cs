using Commerce.Checkout.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Workflows.OrderSaga;

namespace Commerce.Checkout.Tests;

/// <summary>The saga worker in hosts of its own, so a test can take it away mid-saga.</summary>
public sealed class SeparateWorkerSagaSystem : SagaSystem
{
    protected override bool CoHostWorker => false;
}

public sealed class WorkerRestartTests(SeparateWorkerSagaSystem system) : IClassFixture<SeparateWorkerSagaSystem>
{
    [Fact]
    public async Task WorkerStoppedMidSaga_NewWorkerFinishesWithOneAuthorizationAndOneCapture()
    {
        var order = await system.NewOrderAsync();
        var firstWorker = system.StartWorkerHost();

        // Payment is down after acceptance, so the saga is mid-flight (retrying capture) when the worker goes.
        var submitted = await system.Checkout.SubmitAsync(order.OrderId, new SubmitCheckoutRequest(order.PaymentMethodId));
        system.Outages.TakeDown("/payments");
        await system.WaitForSagaAsync(order.OrderId, saga => saga.CompletedSteps.Any(step => step.Step == SagaSteps.ConfirmOrder));
        await firstWorker.DisposeAsync();

        system.Outages.BringUp("/payments");
        system.StartWorkerHost();
        var parked = await system.Saga(order.OrderId).QueryAsync(saga => saga.GetStatus());
        if (parked.NeedsAttention)
        {
            await system.Saga(order.OrderId).ExecuteUpdateAsync(saga => saga.RetryAsync());
        }

        var result = await system.Saga(order.OrderId).GetResultAsync();

        Assert.Equal(SagaStages.Accepted, submitted.Content?.Saga.Stage);
        Assert.Equal(SagaStages.Delivered, result.Outcome);
        Assert.Equal(1, await system.PaymentTransactionsAsync(order.OrderId, nameof(TransactionKind.Authorize)));
        Assert.Equal(1, await system.PaymentTransactionsAsync(order.OrderId, nameof(TransactionKind.Capture)));
    }
}
