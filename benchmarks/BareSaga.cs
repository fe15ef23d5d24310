using System.Collections.Concurrent;
using Commerce.Activities;
using Commerce.Host;
using Commerce.Host.Testing;
using Commerce.Workflows.OrderSaga;
using Microsoft.Extensions.DependencyInjection;
using Temporalio.Activities;
using Temporalio.Client;
using Temporalio.Extensions.Hosting;
using Temporalio.Worker;

namespace Commerce.Benchmarks;

/// <summary>
/// The bare-Temporal ceiling: the host's saga worker process exactly as production registers it
/// (<c>AddOrderSagaWorker</c>: the same task queue, Temporal client and interceptors, the <see cref="OrderSagaWorkflow"/>
/// type, scoped activities under their step names and their former names, the data-subject worker beside it) on the
/// same offline Temporal server, with one difference: after production's registrations, every activity is replaced
/// by a stand-in of the same name and signature (<see cref="NoOpOwners"/>) that does no work and answers as the owner
/// does on the happy path. The saga then takes exactly the path a real order takes — the same steps, the same update,
/// search-attribute upserts and carrier signal — so what it costs is what Temporal, the SDK and the worker cost for
/// one order. Nothing in production code knows about this: the replacement is an options post-configuration.
/// </summary>
internal static class BareSaga
{
    /// <summary>
    /// The saga worker host with stand-in activities. <paramref name="adminConnectionString"/> is only passed on: the
    /// worker owns no data and never connects.
    /// </summary>
    public static CommerceHostFactory StartHost(string adminConnectionString, string temporalAddress) =>
        new CommerceHostFactory(adminConnectionString, HostedContexts.SagaWorker, new Dictionary<string, string?>
        {
            ["Temporal:Address"] = temporalAddress,
            // The worker takes no requests, so it needs no token server (a host without Customer would start one).
            ["Authentication:Authority"] = "http://127.0.0.1:9/",
        }, services =>
        {
            services.AddSingleton<NoOpCarrier>();
            services.AddScoped<NoOpOwners>();
            new TemporalWorkerServiceOptionsBuilder(OrderSagaWorkflow.TaskQueue, services).ConfigureOptions()
                .PostConfigure<IServiceProvider>(ReplaceActivities);
        }).Start();

    /// <summary>
    /// Swaps production's activities for the stand-ins, created per call from a scope as AddScopedActivities does, and
    /// refuses to run unless the two sets agree name for name and signature for signature: a step added to the saga
    /// without a stand-in would otherwise park every bare saga, or measure a different shape.
    /// </summary>
    private static void ReplaceActivities(TemporalWorkerServiceOptions options, IServiceProvider provider)
    {
        var production = Signatures(options.Activities);
        options.Activities.Clear();
        foreach (var activity in provider.CreateTemporalActivityDefinitions(typeof(NoOpOwners)))
        {
            options.AddActivity(activity);
        }

        options.AddFormerActivityNames();
        var standIns = Signatures(options.Activities);
        if (!production.SetEquals(standIns))
        {
            throw new InvalidOperationException(
                "The bare saga's stand-in activities differ from the worker's: missing "
                + $"[{string.Join(", ", production.Except(standIns))}], extra [{string.Join(", ", standIns.Except(production))}]. "
                + $"Give {nameof(NoOpOwners)} one no-op per activity, with the same name and signature.");
        }
    }

    private static HashSet<string> Signatures(IEnumerable<ActivityDefinition> activities) =>
        [.. activities.Select(a => $"{a.ReturnType.Name} {a.Name}({string.Join(", ", a.ParameterTypes.Select(t => t.Name))})")];
}

/// <summary>
/// The owners as the bare saga sees them: one activity per production activity, same name and signature, doing no
/// work and answering what drives the happy path (a coupon-less order of one line, stock reserved for the usual 15
/// minutes, payment authorized, a shipment, and once it has shipped the carrier's delivery). Undo steps are no-ops, registered so the worker
/// offers exactly the activities production's does.
/// </summary>
internal sealed class NoOpOwners(NoOpCarrier carrier)
{
    private static readonly Guid Customer = Guid.Parse("5b0f6c1e-8d7a-4c1b-9e3a-1f2d3c4b5a69");
    private static readonly IReadOnlyList<StockLine> Lines = [new(Guid.Parse("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"), "BENCH-0123456789abcd", 1)];

    [Activity(SagaSteps.SubmitOrder)]
    public Task<SubmittedOrder> SubmitOrderAsync(OrderStepInput input) =>
        Task.FromResult(new SubmittedOrder(input.OrderId, Customer, 10m, "EUR", Lines));

    [Activity(SagaSteps.ApplyPromotion)]
    public Task ApplyPromotionAsync(ApplyPromotionInput input) => Task.CompletedTask;

    [Activity(SagaSteps.ReleasePromotion)]
    public Task ReleasePromotionAsync(OrderStepInput input) => Task.CompletedTask;

    [Activity(SagaSteps.ReserveInventory)]
    public Task<StockReservation> ReserveInventoryAsync(ReserveStockInput input) =>
        Task.FromResult(new StockReservation(input.OrderId, DateTimeOffset.UtcNow.AddMinutes(15)));

    [Activity(SagaSteps.CommitInventory)]
    public Task CommitInventoryAsync(OrderStepInput input) => Task.CompletedTask;

    [Activity(SagaSteps.FulfilInventory)]
    public Task FulfilInventoryAsync(OrderStepInput input) => Task.CompletedTask;

    [Activity(SagaSteps.ReleaseInventory)]
    public Task ReleaseInventoryAsync(OrderStepInput input) => Task.CompletedTask;

    [Activity(SagaSteps.AuthorizePayment)]
    public Task<PaymentAuthorization> AuthorizePaymentAsync(AuthorizePaymentInput input) =>
        Task.FromResult(new PaymentAuthorization(Guid.NewGuid()));

    [Activity(SagaSteps.CapturePayment)]
    public Task CapturePaymentAsync(PaymentStepInput input) => Task.CompletedTask;

    [Activity(SagaSteps.ReversePayment)]
    public Task ReversePaymentAsync(OrderStepInput input) => Task.CompletedTask;

    [Activity(SagaSteps.ConfirmOrder)]
    public Task ConfirmOrderAsync(OrderStepInput input) => Task.CompletedTask;

    /// <summary>The parcel is on its way: the carrier delivers it a little later.</summary>
    [Activity(SagaSteps.MarkShipped)]
    public Task MarkShippedAsync(OrderStepInput input)
    {
        carrier.Deliver(input.OrderId);
        return Task.CompletedTask;
    }

    [Activity(SagaSteps.CompleteOrder)]
    public Task CompleteOrderAsync(OrderStepInput input) => Task.CompletedTask;

    [Activity(SagaSteps.CancelOrder)]
    public Task CancelOrderAsync(CancelOrderInput input) => Task.CompletedTask;

    [Activity(SagaSteps.CreateShipment)]
    public Task<ShipmentRecord> CreateShipmentAsync(OrderStepInput input) =>
        Task.FromResult(new ShipmentRecord(Guid.NewGuid(), NoOpCarrier.TrackingNumber(input.OrderId)));
}

/// <summary>
/// The carrier and Checkout's delivery relay in one: <see cref="AfterShipped"/> after the order is marked shipped,
/// sends the saga's carrier-delivered signal with the host's Temporal client, as the relay does on Shipping's
/// ShipmentDelivered event.
/// </summary>
internal sealed class NoOpCarrier(ITemporalClient temporal)
{
    /// <summary>
    /// In the whole system the delivery comes through the simulated carrier, Shipping's outbox and the relay, and
    /// reaches the saga before or after it has shipped depending on timing (before, it saves the saga its delivery
    /// timer and often a workflow task). Counted from mark-shipped and long enough for a loaded worker to have started
    /// waiting, the bare saga always waits: if anything it does a little more than the real one, so the ceiling errs low
    /// and the ratio in the system's favour by at most one workflow task in twelve.
    /// </summary>
    private static readonly TimeSpan AfterShipped = TimeSpan.FromMilliseconds(300);

    private readonly ConcurrentBag<Task> deliveries = [];

    public static string TrackingNumber(Guid orderId) => $"BARE-{orderId:N}";

    public void Deliver(Guid orderId) => deliveries.Add(DeliverAsync(orderId));

    /// <summary>Every delivery signalled (and any failure to signal thrown).</summary>
    public Task DeliveredAsync() => Task.WhenAll(deliveries);

    private async Task DeliverAsync(Guid orderId)
    {
        await Task.Delay(AfterShipped);
        await temporal.GetWorkflowHandle<OrderSagaWorkflow>(OrderSagaWorkflow.IdFor(orderId))
            .SignalAsync(saga => saga.CarrierDeliveredAsync(new CarrierDelivered(TrackingNumber(orderId), DateTimeOffset.UtcNow)));
    }
}
