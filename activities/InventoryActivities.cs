using System.Net;
using Commerce.Inventory.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Refit;
using Temporalio.Activities;

namespace Commerce.Activities;

/// <summary>
/// The saga's calls to Inventory. One reservation per order, keyed by the order, so a retried reserve returns
/// the reservation the first attempt made instead of reserving again.
/// </summary>
public sealed class InventoryActivities([FromKeyedServices(OwnerClients.SagaWorker)] IInventoryApi inventory)
{
    public static string ReservationKey(Guid orderId) => IdempotencyKeys.For(orderId, "reservation");

    [Activity("reserve-inventory")]
    public async Task<StockReservation> ReserveInventoryAsync(ReserveStockInput input)
    {
        var reservation = await OwnerCalls.SendAsync(
            cancellationToken => inventory.ReserveAsync(
                new ReserveStockRequest(
                    ReservationKey(input.OrderId),
                    [.. input.Lines.Select(line => new ReservationLineRequest(line.Sku, line.Quantity))],
                    input.OrderId),
                cancellationToken),
            BusinessFailures.OutOfStock);
        return new StockReservation(input.OrderId, reservation.ExpiresAt);
    }

    /// <summary>
    /// At confirmation: the reservation stops expiring and holds the stock until it is fulfilled or released. A
    /// reservation that already expired is a refusal (409), which the saga, not yet past confirmation, turns into a
    /// rejection.
    /// </summary>
    [Activity("commit-inventory")]
    public Task CommitInventoryAsync(OrderStepInput input) =>
        OwnerCalls.SendAsync(cancellationToken => inventory.CommitAsync(ReservationKey(input.OrderId), cancellationToken));

    /// <summary>Releasing what was never reserved is not an error: the saga registers this undo before reserving.</summary>
    [Activity("release-inventory")]
    public async Task ReleaseInventoryAsync(OrderStepInput input)
    {
        await OwnerCalls.SendAsync(async cancellationToken =>
        {
            try
            {
                await inventory.ReleaseAsync(ReservationKey(input.OrderId), cancellationToken);
            }
            catch (ApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                ActivityExecutionContext.Current.Logger.LogInformation("Order {OrderId} has no reservation to release", input.OrderId);
            }
        });
    }

    [Activity("fulfil-inventory")]
    public Task FulfilInventoryAsync(OrderStepInput input) =>
        OwnerCalls.SendAsync(cancellationToken => inventory.FulfilAsync(ReservationKey(input.OrderId), cancellationToken));
}
