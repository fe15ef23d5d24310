using Commerce.Order.Contracts;
using Commerce.Shipping.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Commerce.Activities;

/// <summary>The saga's calls to Shipping. Shipping creates at most one shipment per order, so a retry is safe.</summary>
public sealed class ShippingActivities(
    [FromKeyedServices(OwnerClients.SagaWorker)] IOrderApi orders,
    [FromKeyedServices(OwnerClients.SagaWorker)] IShippingApi shipping)
{
    /// <summary>
    /// Ships to the address Order snapshotted at submission. A carrier that rejects the address is not retried;
    /// the saga parks the order for an operator, who can fix it upstream and retry, or cancel.
    /// </summary>
    [Activity("create-shipment")]
    public async Task<ShipmentRecord> CreateShipmentAsync(OrderStepInput input)
    {
        var order = await OwnerCalls.SendAsync(cancellationToken => orders.GetOrderAsync(input.OrderId, cancellationToken));
        var address = order.ShippingAddress
                      ?? throw new ApplicationFailureException($"Order {order.Id} has no shipping address snapshot.", "NoShippingAddress", nonRetryable: true);
        var shipment = await OwnerCalls.SendAsync(
            cancellationToken => shipping.CreateShipmentAsync(
                new CreateShipmentRequest(
                    order.Id,
                    new ShippingAddress(
                        address.Recipient, address.Line1, address.City, address.PostalCode, address.Country, address.Line2, address.Region),
                    [.. order.Items.Select(item => new ShipmentItem(item.ProductId, item.Sku, item.Quantity))]),
                cancellationToken),
            "CarrierRejected");
        return new ShipmentRecord(shipment.Id, shipment.TrackingNumber);
    }
}
