using Commerce.ServiceDefaults.Security;
using Commerce.Shipping.Contracts;
using Commerce.Workflows.OrderSaga;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Commerce.Checkout.Orders;

/// <summary>
/// Shipping's ShipmentDelivered events arrive here from its outbox (at least once) and become the saga's
/// carrier-delivered signal. No inbox is needed: the saga keeps the first delivery of its own shipment and ignores
/// repeats, other shipments' deliveries and anything before the order has shipped.
/// </summary>
internal static class CarrierDeliveryRelay
{
    public static IEndpointRouteBuilder MapCarrierDeliveryRelay(this IEndpointRouteBuilder endpoints)
    {
        var checkout = CheckoutModule.Name.ToLowerInvariant();
        endpoints.MapPost($"/events/{checkout}", RelayAsync).WithGroupName(checkout).WithTags("Messaging")
            .RequireAuthorization(Access.ClientsOnly(andOperators: false, Clients.For("Shipping")))
            .AcceptsEventsOnlyFromTheirPublisher()
            .ProducesAuthorizationProblems()
            .ProducesBodyProblems()
            .ProducesProblems(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static async Task<Ok<InboxResponse>> RelayAsync(
        EventEnvelope envelope, ITemporalClient temporal, ILoggerFactory loggers)
    {
        // Like any inbox, only the events subscribed to, from their publisher (Shipping owns shipment tracking).
        if (envelope.Type != nameof(ShipmentDelivered) || envelope.Source != "Shipping")
        {
            return TypedResults.Ok(new InboxResponse(envelope.Id, InboxOutcome.Unhandled));
        }

        var delivered = envelope.PayloadAs<ShipmentDelivered>();
        try
        {
            await temporal.GetWorkflowHandle<OrderSagaWorkflow>(OrderSagaWorkflow.IdFor(delivered.OrderId))
                .SignalAsync(saga => saga.CarrierDeliveredAsync(new CarrierDelivered(delivered.TrackingNumber, delivered.DeliveredAt)));
        }
        catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound)
        {
            // A shipment outside any running saga (finished, or created by hand): nothing waits for it.
            loggers.CreateLogger(typeof(CarrierDeliveryRelay)).LogInformation(
                "No running saga for order {OrderId}; delivery {TrackingNumber} not relayed", delivered.OrderId, delivered.TrackingNumber);
        }

        return TypedResults.Ok(new InboxResponse(envelope.Id, InboxOutcome.Processed));
    }
}
