using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Temporalio.Activities;

namespace Commerce.Activities;

/// <summary>The saga's calls to Payment. Every mutation carries a key derived from the order and the step.</summary>
public sealed class PaymentActivities(
    [FromKeyedServices(OwnerClients.SagaWorker)] IPaymentApi payments,
    [FromKeyedServices(OwnerClients.SagaWorker)] IOrderApi orders)
{
    /// <summary>Payment refuses a card that is not the order's customer's, so the customer goes with the request.</summary>
    [Activity("authorize-payment")]
    public async Task<PaymentAuthorization> AuthorizePaymentAsync(AuthorizePaymentInput input)
    {
        // A saga that scheduled this step before the customer was part of its input: Order, which owns the order, says.
        var customerId = input.CustomerId
                         ?? (await OwnerCalls.SendAsync(cancellationToken => orders.GetOrderAsync(input.OrderId, cancellationToken))).CustomerId;
        var payment = await OwnerCalls.SendAsync(
            cancellationToken => payments.AuthorizeAsync(
                new AuthorizePaymentRequest(input.OrderId, input.PaymentMethodId, input.Amount, input.Currency, customerId),
                IdempotencyKeys.For(input.OrderId, "authorize"),
                cancellationToken),
            BusinessFailures.PaymentDeclined);
        return new PaymentAuthorization(payment.Id);
    }

    [Activity("capture-payment")]
    public Task CapturePaymentAsync(PaymentStepInput input) =>
        OwnerCalls.SendAsync(cancellationToken => payments.CaptureAsync(
            input.PaymentId, new CapturePaymentRequest(), IdempotencyKeys.For(input.OrderId, "capture"), cancellationToken));

    /// <summary>
    /// Undoes whatever money moved for the order: voids an authorization, refunds a capture. Looked up by order
    /// rather than by payment id, because an interrupted authorization may have succeeded without the saga
    /// ever hearing its id.
    /// </summary>
    [Activity("reverse-payment")]
    public async Task ReversePaymentAsync(OrderStepInput input)
    {
        var orderPayments = await OwnerCalls.SendAsync(cancellationToken => payments.ListPaymentsAsync(input.OrderId, cancellationToken));
        foreach (var payment in orderPayments)
        {
            switch (payment.Status)
            {
                case PaymentStatus.Authorized:
                    await OwnerCalls.SendAsync(cancellationToken => payments.VoidAsync(
                        payment.Id, IdempotencyKeys.For(input.OrderId, $"void-{payment.Id:N}"), cancellationToken));
                    break;
                case PaymentStatus.Captured or PaymentStatus.PartiallyRefunded:
                    await OwnerCalls.SendAsync(cancellationToken => payments.RefundAsync(
                        payment.Id, new RefundPaymentRequest(Reason: "Order cancelled"),
                        IdempotencyKeys.For(input.OrderId, $"refund-{payment.Id:N}"), cancellationToken));
                    break;
            }
        }
    }
}
