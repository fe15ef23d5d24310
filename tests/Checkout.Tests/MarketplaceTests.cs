using System.Net;
using Commerce.Checkout.Contracts;
using Commerce.Host.Testing;
using Commerce.Inventory.Contracts;
using Commerce.Notification.Contracts;
using Commerce.Product.Contracts;
using Commerce.Review.Contracts;
using Commerce.Seller.Contracts;
using Commerce.ServiceDefaults;
using Commerce.Testing;
using Commerce.Workflows.OrderSaga;
using Refit;

namespace Commerce.Checkout.Tests;

/// <summary>
/// Sellers and reviews in one running shop, over HTTP with real tokens: a seller manages its own catalog and hears of
/// its low stock, and a delivered order's customer reviews what they bought and Product shows the rating. Each step
/// crosses contexts only through APIs and events.
/// </summary>
public sealed class MarketplaceTests(ShopSystem shop) : IClassFixture<ShopSystem>
{
    private static readonly RefitSettings Refit = new() { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) };

    [Fact]
    public async Task Seller_EditsOnlyItsOwnProduct_AndItsLowStockReachesItsListAndItsInbox()
    {
        var seller = await shop.Host.SellerClientAsync("Babbage & Co");
        var rival = await shop.Host.SellerClientAsync("Lovelace Ltd");
        var sellerProducts = RestService.For<IProductApi>(seller.Client, Refit);
        var sku = $"SKU-{Guid.NewGuid():N}"[..20];

        var created = await sellerProducts.CreateProductAsync(new CreateProductRequest(sku, "Difference Engine", "machines", 99.00m, "EUR"));
        var renamed = await sellerProducts.UpdateProductAsync(created.Id, new UpdateProductRequest("Difference Engine No. 2", "machines"));
        var rivalEdit = await Assert.ThrowsAnyAsync<ApiException>(() =>
            RestService.For<IProductApi>(rival.Client, Refit).UpdateProductAsync(created.Id, new UpdateProductRequest("Stolen", "machines")));

        Assert.Equal((seller.SellerId, "Babbage & Co"), (created.Seller?.Id, created.Seller?.DisplayName));
        Assert.Equal("Difference Engine No. 2", renamed.Name);
        Assert.Equal(HttpStatusCode.NotFound, rivalEdit.StatusCode);
        Assert.Equal("Difference Engine No. 2", (await shop.Products.GetProductAsync(created.Id)).Name);

        // Ten in stock with a reorder point of five; six written off leave four: Inventory's LowStockAlert reaches
        // Seller (which knows the SKU is this seller's from Product's events) and Notification writes to the seller.
        await shop.Inventory.ReceiveAsync(sku, new ReceiveStockRequest("WH-1", 10));
        await shop.Inventory.SetReorderPointAsync(sku, new SetReorderPointRequest("WH-1", 5));
        await shop.Inventory.AdjustAsync(sku, new AdjustStockRequest("WH-1", -6, "water damage"));

        var lowStock = await Poll.UntilAsync(
            () => RestService.For<ISellerApi>(seller.Client, Refit).GetLowStockAsync(seller.SellerId), items => items.Count > 0);
        var item = Assert.Single(lowStock);
        Assert.Equal((created.Id, sku, 4, 5), (item.ProductId, item.Sku, item.Available, item.ReorderPoint));
        var notifications = shop.Api<INotificationApi>();
        var sent = await Poll.UntilAsync(
            () => notifications.ListSentMessagesAsync(), all => all.Any(m => m.Recipient == seller.Email && m.Body.Contains(sku, StringComparison.Ordinal)));
        var message = sent.First(m => m.Recipient == seller.Email && m.Body.Contains(sku, StringComparison.Ordinal));
        Assert.Contains("Difference Engine No. 2", message.Subject + message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeliveredOrder_ReviewedAndApproved_ProductShowsTheRating_RejectionTellsItsAuthor_NoPurchaseNoReview()
    {
        var (praised, praiser) = await DeliveredOrderAsync();
        var (panned, panner) = await DeliveredOrderAsync();
        var operatorReviews = shop.Api<IReviewApi>();

        var praise = await SubmitOnceReviewCanSeeTheDeliveryAsync(praiser, new SubmitReviewRequest(praised.OrderId, praised.ProductId, 4, "Solid", "Computes as promised."));
        var pan = await SubmitOnceReviewCanSeeTheDeliveryAsync(panner, new SubmitReviewRequest(panned.OrderId, panned.ProductId, 1, "Meh", "Too loud."));
        // Another customer's delivered order proves nothing about this customer: the same 422 as no purchase at all.
        var stranger = await Assert.ThrowsAnyAsync<ApiException>(() =>
            praiser.SubmitAsync(new SubmitReviewRequest(panned.OrderId, panned.ProductId, 5, "Great", "Love it.")));
        await operatorReviews.ApproveAsync(praise.Id);
        await operatorReviews.RejectAsync(pan.Id, new RejectReviewRequest("Reviews describe the product, not its noise."));

        Assert.Equal(ReviewStatus.Pending, praise.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, stranger.StatusCode);
        var rated = await Poll.UntilAsync(() => shop.Products.GetProductAsync(praised.ProductId), p => p.Rating is not null);
        Assert.Equal((1, 4.00m), (rated.Rating!.Count, rated.Rating.Average));
        Assert.Equal(1, rated.Rating.Stars[3]);
        var told = await Poll.UntilAsync(
            () => shop.Api<INotificationApi>().ListNotificationsAsync(panned.CustomerId),
            sent => sent.Any(n => n.TemplateKey == "review-rejected"));
        Assert.Contains("not its noise", told.First(n => n.TemplateKey == "review-rejected").Body, StringComparison.Ordinal);
        Assert.Null((await shop.Products.GetProductAsync(panned.ProductId)).Rating);
    }

    /// <summary>A new customer's order of a new product, submitted through Checkout and run by the saga to Delivered.</summary>
    private async Task<(Purchase Order, IReviewApi Reviews)> DeliveredOrderAsync()
    {
        var order = await shop.NewOrderAsync(quantity: 1);
        var customer = await shop.CustomerClientAsync(order.CustomerEmail);
        var submitted = await RestService.For<ICheckoutApi>(customer, Refit).SubmitAsync(order.OrderId, new SubmitCheckoutRequest(order.PaymentMethodId));
        Assert.True(submitted.IsSuccessful, (submitted.Error as ApiException)?.Content);
        Assert.Equal(SagaStages.Delivered, (await shop.Saga(order.OrderId).GetResultAsync()).Outcome);
        var placed = await shop.Orders.GetOrderAsync(order.OrderId);
        return (new Purchase(order.OrderId, placed.CustomerId, placed.Items.Single().ProductId), RestService.For<IReviewApi>(customer, Refit));
    }

    /// <summary>Review learns of the delivery from Order's event: until it has, the purchase is not yet verified (422).</summary>
    private static async Task<ReviewResponse> SubmitOnceReviewCanSeeTheDeliveryAsync(IReviewApi reviews, SubmitReviewRequest request) =>
        (await Poll.UntilAsync<ReviewResponse?>(
            async () =>
            {
                try
                {
                    return await reviews.SubmitAsync(request);
                }
                catch (ApiException refused) when (refused.StatusCode == HttpStatusCode.UnprocessableEntity)
                {
                    return null;
                }
            },
            review => review is not null))!;

    private sealed record Purchase(Guid OrderId, Guid CustomerId, Guid ProductId);
}
