using System.Net;
using Commerce.Order.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Refit;
using Temporalio.Activities;

namespace Commerce.Activities;

/// <summary>
/// The saga's calls to Order. Order's transitions are idempotent by state (asking for the state an order is
/// already in changes nothing), so a retried activity never records a transition twice.
/// </summary>
public sealed class OrderActivities([FromKeyedServices(OwnerClients.SagaWorker)] IOrderApi orders)
{
    /// <summary>Created → Submitted; Order snapshots the customer's addresses now.</summary>
    [Activity("submit-order")]
    public async Task<SubmittedOrder> SubmitOrderAsync(OrderStepInput input)
    {
        var order = await OwnerCalls.SendAsync(cancellationToken =>
            orders.SubmitAsync(input.OrderId, new SubmitOrderRequest(), cancellationToken: cancellationToken));
        return new SubmittedOrder(
            order.Id,
            order.CustomerId,
            order.Total,
            order.Currency,
            [.. order.Items.Select(item => new StockLine(item.ProductId, item.Sku, item.Quantity))],
            order.CouponCode,
            order.Promotions?.Where(p => p.CouponCode is not null).Sum(p => p.Discount) ?? 0);
    }

    [Activity("confirm-order")]
    public Task ConfirmOrderAsync(OrderStepInput input) =>
        OwnerCalls.SendAsync(cancellationToken => orders.ConfirmAsync(
            input.OrderId, new OrderTransitionRequest("Stock reserved and payment authorized"), cancellationToken: cancellationToken));

    [Activity("mark-shipped")]
    public Task MarkShippedAsync(OrderStepInput input) =>
        OwnerCalls.SendAsync(cancellationToken => orders.ShipAsync(
            input.OrderId, new OrderTransitionRequest("Handed to the carrier"), cancellationToken: cancellationToken));

    [Activity("complete-order")]
    public Task CompleteOrderAsync(OrderStepInput input) =>
        OwnerCalls.SendAsync(cancellationToken => orders.DeliverAsync(
            input.OrderId, new OrderTransitionRequest("Delivered by the carrier"), cancellationToken: cancellationToken));

    /// <summary>The last compensation. An order that does not exist has nothing to cancel; one that shipped is a 409.</summary>
    [Activity("cancel-order")]
    public async Task CancelOrderAsync(CancelOrderInput input)
    {
        await OwnerCalls.SendAsync(async cancellationToken =>
        {
            try
            {
                await orders.CancelAsync(input.OrderId, new CancelOrderRequest(input.Reason), cancellationToken: cancellationToken);
            }
            catch (ApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                ActivityExecutionContext.Current.Logger.LogInformation("Order {OrderId} does not exist; nothing to cancel", input.OrderId);
            }
        });
    }
}
