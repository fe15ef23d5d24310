using System.Net;
using Commerce.Promotion.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Refit;
using Temporalio.Activities;

namespace Commerce.Activities;

/// <summary>
/// The saga's calls to Promotion: the coupon's use is claimed at submission, under a key derived from the order, and
/// given back when the order is rejected or cancelled.
/// </summary>
public sealed class PromotionActivities([FromKeyedServices(OwnerClients.SagaWorker)] IPromotionApi promotions)
{
    private const string ApplyStep = "apply-promotion";

    /// <summary>A coupon no longer usable (expired, used up, over the customer's limit) is a 422: the order is rejected.</summary>
    [Activity(ApplyStep)]
    public Task ApplyPromotionAsync(ApplyPromotionInput input) =>
        OwnerCalls.SendAsync(cancellationToken => promotions.ClaimAsync(
            new ClaimCouponRequest(KeyFor(input.OrderId), input.CouponCode, input.CustomerId, input.OrderId, input.Discount, input.Currency),
            cancellationToken));

    /// <summary>The undo of apply-promotion: a use never claimed (the step failed or never ran) has nothing to give back.</summary>
    [Activity("release-promotion")]
    public async Task ReleasePromotionAsync(OrderStepInput input)
    {
        await OwnerCalls.SendAsync(async cancellationToken =>
        {
            try
            {
                await promotions.ReleaseAsync(KeyFor(input.OrderId), cancellationToken);
            }
            catch (ApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                ActivityExecutionContext.Current.Logger.LogInformation("Order {OrderId} claimed no coupon use; nothing to give back", input.OrderId);
            }
        });
    }

    private static string KeyFor(Guid orderId) => IdempotencyKeys.For(orderId, ApplyStep);
}
