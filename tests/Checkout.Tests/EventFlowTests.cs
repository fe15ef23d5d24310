using System.Net;
using Commerce.Checkout.Contracts;
using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.Inventory.Contracts;
using Commerce.Notification.Contracts;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Pricing.Contracts;
using Commerce.Product.Contracts;
using Commerce.Promotion.Contracts;
using Commerce.Promotion.Coupons;
using Commerce.Review.Contracts;
using Commerce.Seller.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ShoppingCart.Abandonment;
using Commerce.ShoppingCart.Contracts;
using Commerce.Testing;
using Commerce.Workflows.OrderSaga;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Refit;

namespace Commerce.Checkout.Tests;

/// <summary>
/// The event flows of services/event-flows.json proved end to end in one running shop: each scenario changes the
/// publisher through its own API and waits for every subscriber's visible effect in that subscriber's API. One delivered
/// order serves many flows, so the class stays cheap.
/// </summary>
public sealed class EventFlowTests(ShopSystem shop) : IClassFixture<ShopSystem>
{
    private static readonly RefitSettings Refit = new() { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) };

    /// <summary>
    /// Customer's and Product's events reach Order, Notification, Review and ShoppingCart; Order's events reach
    /// Notification and Review; the customer's deletion reaches Notification, Review and ShoppingCart.
    /// </summary>
    [Fact]
    public async Task CustomerProductAndOrderEvents_ReachEverySubscribersApi_AndDeletionErasesThem()
    {
        var order = await shop.NewOrderAsync(quantity: 1);
        var customerHttp = await shop.CustomerClientAsync(order.CustomerEmail);
        var submitted = await RestService.For<ICheckoutApi>(customerHttp, Refit).SubmitAsync(order.OrderId, new SubmitCheckoutRequest(order.PaymentMethodId));
        Assert.True(submitted.IsSuccessful, (submitted.Error as ApiException)?.Content);
        Assert.Equal(SagaStages.Delivered, (await shop.Saga(order.OrderId).GetResultAsync()).Outcome);

        // Order: the customer from CustomerRegistered, the line's snapshot from ProductCreated.
        var placed = await Poll.UntilAsync(() => shop.Orders.GetOrderAsync(order.OrderId), o => o.CustomerName is not null);
        var customerId = placed.CustomerId;
        var productId = placed.Items.Single().ProductId;
        Assert.Equal(("Ada Lovelace", order.CustomerEmail), (placed.CustomerName, placed.CustomerEmail));
        Assert.Equal(("Analytical Engine", 12.50m), (placed.Items.Single().ProductName, placed.Items.Single().UnitPrice));

        // Notification: confirmed, shipped and delivered, each to the e-mail CustomerRegistered cached.
        var notifications = shop.Api<INotificationApi>();
        string[] orderTemplates = [TemplateKeys.OrderConfirmed, TemplateKeys.OrderShipped, TemplateKeys.OrderDelivered];
        var told = await Poll.UntilAsync(
            () => notifications.ListNotificationsAsync(customerId),
            sent => orderTemplates.All(key => sent.Any(n => n.TemplateKey == key && n.Body.Contains(order.OrderId.ToString(), StringComparison.Ordinal))));
        Assert.All(told.Where(n => orderTemplates.Contains(n.TemplateKey) && n.Channel == DeliveryChannel.Email), n => Assert.Equal(order.CustomerEmail, n.Recipient));

        // Review: OrderCreated and OrderDelivered make the purchase verified; the author and product names are cached.
        var reviews = RestService.For<IReviewApi>(customerHttp, Refit);
        var review = await SubmitOnceVerifiedAsync(reviews, new SubmitReviewRequest(order.OrderId, productId, 5, "Remarkable", "It computes Bernoulli numbers."));
        Assert.Equal(("Ada Lovelace", "Analytical Engine"), (review.AuthorName, review.ProductName));

        // ShoppingCart: the customer's name and the product's name and price from the cached copies.
        var cart = RestService.For<IShoppingCartApi>(customerHttp, Refit);
        await cart.SetItemAsync(customerId, productId, new SetCartItemRequest(1));
        var carted = await Poll.UntilAsync(() => cart.GetCartAsync(customerId), c => c.CustomerName is not null);
        Assert.Equal("Ada Lovelace", carted.CustomerName);
        Assert.Equal(("Analytical Engine", 12.50m), (carted.Lines.Single().Name, carted.Lines.Single().UnitPrice));
        // Pricing counts the cart's ItemAddedToCart as demand for the product.
        var demand = await Poll.UntilAsync<ProductDemandResponse?>(
            async () =>
            {
                try
                {
                    return await shop.Pricing.GetDemandAsync(productId);
                }
                catch (ApiException missing) when (missing.StatusCode == HttpStatusCode.NotFound)
                {
                    return null;
                }
            },
            d => d is { UnitsAdded: > 0 });
        Assert.Equal(1, demand!.Carts);

        // CustomerProfileUpdated: the new name and e-mail reach Order, Review, ShoppingCart and Notification (the
        // cancellation of a second order is told to the new address).
        var pending = await shop.Orders.CreateOrderAsync(new CreateOrderRequest(customerId, [new CreateOrderItem(productId, 1)]));
        var customers = shop.Api<ICustomerApi>();
        var profile = await customers.GetCustomerAsync(customerId);
        var newEmail = $"ada-king-{Guid.NewGuid():N}@example.com";
        await customers.UpdateProfileAsync(customerId, new UpdateCustomerProfileRequest("Ada King", newEmail, profile.Preferences, profile.Phone));

        await Poll.UntilAsync(() => shop.Orders.GetOrderAsync(order.OrderId), o => o.CustomerName == "Ada King" && o.CustomerEmail == newEmail);
        await Poll.UntilAsync(() => reviews.GetAsync(review.Id), r => r.AuthorName == "Ada King");
        await Poll.UntilAsync(() => cart.GetCartAsync(customerId), c => c.CustomerName == "Ada King");
        await Poll.UntilAsync(
            () => notifications.SendAsync(new SendNotificationRequest(customerId, TemplateKeys.OrderShipped, new Dictionary<string, string> { ["orderId"] = "probe" },
                DeliveryChannel.Email, $"probe-{Guid.NewGuid():N}")),
            sent => sent.Any(n => n.Recipient == newEmail));
        await shop.Orders.CancelAsync(pending.Id, new CancelOrderRequest("Ordered twice"));
        var cancelledNotice = await Poll.UntilAsync(
            () => notifications.ListNotificationsAsync(customerId),
            sent => sent.Any(n => n.TemplateKey == TemplateKeys.OrderCancelled && n.Body.Contains(pending.Id.ToString(), StringComparison.Ordinal)));
        Assert.All(cancelledNotice.Where(n => n.TemplateKey == TemplateKeys.OrderCancelled && n.Channel == DeliveryChannel.Email), n => Assert.Equal(newEmail, n.Recipient));
        // OrderCancelled reaches Review: the customer's own cancelled purchase is refused as cancelled, not as undelivered.
        var refusal = await Poll.UntilAsync(
            async () => (await Assert.ThrowsAnyAsync<ApiException>(() =>
                reviews.SubmitAsync(new SubmitReviewRequest(pending.Id, productId, 1, "Never came", "Cancelled before it shipped.")))).Content ?? "",
            content => content.Contains("cancelled", StringComparison.Ordinal));
        Assert.Contains("Verified purchases only", refusal, StringComparison.Ordinal);

        // Product's events: a rename reaches ShoppingCart, Pricing and Order; a price change the cart and the next
        // order; discontinuation marks the cart's line unavailable and Order refuses new orders of it. (A review keeps
        // the product's name it was written under; the seller scenario shows a rename reaching Review.)
        var products = shop.Products;
        await products.UpdateProductAsync(productId, new UpdateProductRequest("Analytical Engine Mk II", "machines"));
        await Poll.UntilAsync(() => cart.GetCartAsync(customerId), c => c.Lines.Single().Name == "Analytical Engine Mk II");
        await Poll.UntilAsync(
            () => shop.Pricing.CreateQuoteAsync(new CreateQuoteRequest(customerId, [new QuoteLineRequest(productId, 1)])),
            q => q.Lines.Single().Name == "Analytical Engine Mk II");
        await products.ChangePriceAsync(productId, new ChangePriceRequest(15.00m, "EUR"));
        await Poll.UntilAsync(() => cart.GetCartAsync(customerId), c => c.Lines.Single().UnitPrice == 15.00m);
        var repriced = await Poll.UntilAsync(
            () => shop.Orders.CreateOrderAsync(new CreateOrderRequest(customerId, [new CreateOrderItem(productId, 1)])),
            o => o.Items.Single().UnitPrice == 15.00m);
        Assert.Equal("Analytical Engine Mk II", repriced.Items.Single().ProductName);

        await products.DiscontinueAsync(productId);
        await Poll.UntilAsync(() => cart.GetCartAsync(customerId), c => !c.Lines.Single().Available);
        await Poll.UntilAsync(
            async () =>
            {
                try
                {
                    await shop.Orders.CreateOrderAsync(new CreateOrderRequest(customerId, [new CreateOrderItem(productId, 1)]));
                    return (HttpStatusCode?)null;
                }
                catch (ApiException refused)
                {
                    return refused.StatusCode;
                }
            },
            status => status == HttpStatusCode.UnprocessableEntity);

        // CustomerDeleted: Review anonymises the author, ShoppingCart drops the cart and its name, Notification
        // forgets the contact and refuses to write to the customer.
        await customers.DeleteAsync(customerId);
        var anonymous = await Poll.UntilAsync(() => shop.Api<IReviewApi>().GetAsync(review.Id), r => !r.AuthorName.Contains("Ada", StringComparison.Ordinal));
        Assert.DoesNotContain("King", anonymous.AuthorName, StringComparison.Ordinal);
        var dropped = await Poll.UntilAsync(() => shop.Api<IShoppingCartApi>().GetCartAsync(customerId), c => c.Id is null);
        Assert.Null(dropped.CustomerName);
        await Poll.UntilAsync(
            async () =>
            {
                try
                {
                    await notifications.SendAsync(new SendNotificationRequest(customerId, TemplateKeys.OrderShipped,
                        new Dictionary<string, string> { ["orderId"] = "probe" }, DeliveryChannel.Email, $"probe-{Guid.NewGuid():N}"));
                    return (HttpStatusCode?)null;
                }
                catch (ApiException refused)
                {
                    return refused.StatusCode;
                }
            },
            status => status == HttpStatusCode.UnprocessableEntity);
    }

    /// <summary>
    /// Seller's, Inventory's and Product's events about a seller's product: Product shows the seller and the stock,
    /// Seller tracks the low stock and clears it, Notification writes to the seller's current contact.
    /// </summary>
    [Fact]
    public async Task SellerStockAndProductEvents_ReachProductSellerAndNotification()
    {
        var seller = await shop.Host.SellerClientAsync("Babbage & Co");
        var sellerProducts = RestService.For<IProductApi>(seller.Client, Refit);
        var sellers = RestService.For<ISellerApi>(seller.Client, Refit);
        var notifications = shop.Api<INotificationApi>();
        var sku = $"SKU-{Guid.NewGuid():N}"[..20];
        var created = await sellerProducts.CreateProductAsync(new CreateProductRequest(sku, "Difference Engine", "machines", 99.00m, "EUR"));
        Assert.Equal("Babbage & Co", created.Seller?.DisplayName);

        // StockLevelChanged: Product shows the available quantity.
        await shop.Inventory.ReceiveAsync(sku, new ReceiveStockRequest("WH-1", 10));
        await Poll.UntilAsync(() => shop.Products.GetProductAsync(created.Id), p => p.AvailableQuantity == 10);

        // SellerProfileUpdated: Product shows the new name; Notification writes to the new contact.
        var newContact = $"sons-{Guid.NewGuid():N}@example.com";
        await sellers.UpdateAsync(seller.SellerId, new UpdateSellerRequest("Babbage & Sons", newContact));
        await Poll.UntilAsync(() => shop.Products.GetProductAsync(created.Id), p => p.Seller?.DisplayName == "Babbage & Sons");

        // ProductUpdated reaches Seller's copy, then the low stock (LowStockAlert) is listed and mailed (SellerStockLow).
        await sellerProducts.UpdateProductAsync(created.Id, new UpdateProductRequest("Difference Engine No. 2", "machines"));
        await Poll.UntilAsync(
            async () => await shop.Sql.CountAsync("seller.product_copies", "product_id = $1 AND name = $2", created.Id, "Difference Engine No. 2"),
            count => count == 1);
        await shop.Inventory.SetReorderPointAsync(sku, new SetReorderPointRequest("WH-1", 5));
        await shop.Inventory.AdjustAsync(sku, new AdjustStockRequest("WH-1", -6, "water damage"));
        var low = await Poll.UntilAsync(() => sellers.GetLowStockAsync(seller.SellerId), items => items.Count > 0);
        Assert.Equal(("Difference Engine No. 2", 4), (low.Single().ProductName, low.Single().Available));
        var mailed = await Poll.UntilAsync(
            () => notifications.ListSentMessagesAsync(),
            all => all.Any(m => m.Body.Contains(sku, StringComparison.Ordinal)));
        Assert.Equal(newContact, mailed.First(m => m.Body.Contains(sku, StringComparison.Ordinal)).Recipient);

        // StockLevelChanged above the reorder point closes Seller's notice; Product shows the new quantity.
        await shop.Inventory.ReceiveAsync(sku, new ReceiveStockRequest("WH-1", 10));
        await Poll.UntilAsync(() => sellers.GetLowStockAsync(seller.SellerId), items => items.Count == 0);
        await Poll.UntilAsync(() => shop.Products.GetProductAsync(created.Id), p => p.AvailableQuantity == 14);

        // Review: a delivered purchase of the seller's product, reviewed and approved; Review knows the product is the
        // seller's (Product's events) and signs the seller's reply with its current name (Seller's events).
        var (orderId, buyerReviews) = await DeliveredPurchaseAsync(created.Id);
        var review = await SubmitOnceVerifiedAsync(buyerReviews, new SubmitReviewRequest(orderId, created.Id, 4, "Precise", "Tabulates nicely."));
        await shop.Api<IReviewApi>().ApproveAsync(review.Id);
        var replied = await RestService.For<IReviewApi>(seller.Client, Refit).ReplyAsync(review.Id, new ReplyRequest("Thank you kindly."));
        Assert.Equal("Difference Engine No. 2", replied.ProductName);
        Assert.Equal((ReplyAuthor.Seller, "Babbage & Sons"), (replied.Replies.Single().Author, replied.Replies.Single().AuthorName));

        // ProductDiscontinued reaches Seller: a product low again leaves the seller's list once it is no longer sold.
        await shop.Inventory.AdjustAsync(sku, new AdjustStockRequest("WH-1", -10, "recall"));
        await Poll.UntilAsync(() => sellers.GetLowStockAsync(seller.SellerId), items => items.Count == 1);
        await sellerProducts.DiscontinueAsync(created.Id);
        await Poll.UntilAsync(() => sellers.GetLowStockAsync(seller.SellerId), items => items.Count == 0);
    }

    /// <summary>Customer's membership events reach Promotion: a campaign for Gold members refuses a Standard customer until the upgrade arrives.</summary>
    [Fact]
    public async Task MembershipEvents_ReachPromotionsEligibility()
    {
        var customers = shop.Api<ICustomerApi>();
        var customer = await customers.RegisterAsync(new RegisterCustomerRequest("Grace Hopper", $"grace-{Guid.NewGuid():N}@example.com", Password: TestIdentity.CustomerPassword));
        var promotion = await shop.Promotions.CreatePromotionAsync(new CreatePromotionRequest(
            "Gold members' tenth",
            new PromotionTerms(DiscountKind.Percentage, 10, "EUR", PromotionScope.Order, MinimumMembership: "Gold"),
            DateTimeOffset.UtcNow.AddMinutes(-1),
            DateTimeOffset.UtcNow.AddDays(1),
            RequiresCoupon: true));
        var code = $"G-{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        await shop.Promotions.CreateCouponAsync(promotion.Id, new CreateCouponRequest(code, 10));
        var check = new ValidateCouponRequest(code, customer.Id, "EUR", [new CouponCheckLine(Guid.NewGuid(), "machines", 50.00m)]);

        var standard = await Assert.ThrowsAnyAsync<ApiException>(() => shop.Promotions.ValidateCouponAsync(check));
        await customers.UpgradeMembershipAsync(customer.Id, new UpgradeMembershipRequest(MembershipLevel.Gold));
        var gold = await Poll.UntilAsync(
            async () =>
            {
                try
                {
                    return await shop.Promotions.ValidateCouponAsync(check);
                }
                catch (ApiException refused) when (refused.StatusCode == HttpStatusCode.UnprocessableEntity)
                {
                    return null;
                }
            },
            validation => validation is not null);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, standard.StatusCode);
        Assert.Equal(promotion.Id, gold!.PromotionId);
    }

    /// <summary>
    /// ShoppingCart's CartAbandoned reaches Notification (the reminder) and Promotion (a personal win-back coupon, when
    /// the shop turns win-back on), and Promotion's CouponIssued reaches Notification (the code sent to the customer).
    /// </summary>
    [Fact]
    public async Task AbandonedCart_RemindsTheCustomer_AndTheWinBackCouponReachesThem()
    {
        var shopper = await shop.NewShopperAsync();
        var product = await shop.NewProductAsync(price: 8.00m, stock: 5);
        await shopper.Cart.SetItemAsync(shopper.CustomerId, product.Id, new SetCartItemRequest(3));
        var winBack = await shop.Promotions.CreatePromotionAsync(new CreatePromotionRequest(
            "Come back soon",
            new PromotionTerms(DiscountKind.Percentage, 5, "EUR", PromotionScope.Order),
            DateTimeOffset.UtcNow.AddMinutes(-1),
            DateTimeOffset.UtcNow.AddDays(7),
            RequiresCoupon: true));
        // The shop turns win-back on (Promotion:WinBack, read as each CartAbandoned arrives) for this class's shop only.
        var options = shop.Host.Services.GetRequiredService<IOptions<WinBackOptions>>().Value;
        (options.PromotionId, options.Enabled) = (winBack.Id, true);
        try
        {
            // Two idle days: the cart's clock is set back rather than waited out, then one sweep (its loop runs each minute).
            var idle = await shop.Sql.ScalarAsync<long>(
                "WITH idle AS (UPDATE shoppingcart.carts SET last_activity_at = now() - interval '2 days' WHERE customer_id = $1 RETURNING 1) SELECT count(*) FROM idle",
                shopper.CustomerId);
            Assert.Equal(1, idle);
            await shop.Host.Services.GetRequiredService<CartAbandonmentSweeper>().SweepAsync(default);

            var notifications = shop.Api<INotificationApi>();
            var told = await Poll.UntilAsync(
                () => notifications.ListNotificationsAsync(shopper.CustomerId),
                sent => sent.Any(n => n.TemplateKey == TemplateKeys.CartAbandoned) && sent.Any(n => n.TemplateKey == TemplateKeys.CouponIssued));
            Assert.Contains("3 item(s) worth 24.00 EUR", told.First(n => n.TemplateKey == TemplateKeys.CartAbandoned).Body, StringComparison.Ordinal);
            var offer = told.First(n => n.TemplateKey == TemplateKeys.CouponIssued).Body;
            Assert.Contains("Come back soon", offer, StringComparison.Ordinal);
            var code = offer.Split(' ').Single(word => word.StartsWith("WB-", StringComparison.Ordinal));
            Assert.Equal(winBack.Id, (await shop.Promotions.GetCouponAsync(code)).PromotionId);
        }
        finally
        {
            options.Enabled = false;
        }
    }

    /// <summary>A new customer's order of one unit of <paramref name="productId"/>, run by the saga to Delivered; the customer's Review client.</summary>
    private async Task<(Guid OrderId, IReviewApi Reviews)> DeliveredPurchaseAsync(Guid productId)
    {
        var email = $"buyer-{Guid.NewGuid():N}@example.com";
        var address = new AddressInput(AddressKind.Shipping, "Mary Somerville", "1 Chelsea Walk", "London", "SW3 5HA", "GB", IsDefault: true);
        var customer = await shop.Api<ICustomerApi>().RegisterAsync(new RegisterCustomerRequest(
            "Mary Somerville", email, Addresses: [address, address with { Kind = AddressKind.Billing }], Password: TestIdentity.CustomerPassword));
        var method = await shop.Payments.AddPaymentMethodAsync(new AddPaymentMethodRequest(customer.Id, TestCards.Success, 12, DateTime.UtcNow.Year + 2));
        var order = await shop.Orders.CreateOrderAsync(new CreateOrderRequest(customer.Id, [new CreateOrderItem(productId, 1)]));
        var http = await shop.CustomerClientAsync(email);
        var submitted = await RestService.For<ICheckoutApi>(http, Refit).SubmitAsync(order.Id, new SubmitCheckoutRequest(method.Id));
        Assert.True(submitted.IsSuccessful, (submitted.Error as ApiException)?.Content);
        Assert.Equal(SagaStages.Delivered, (await shop.Saga(order.Id).GetResultAsync()).Outcome);
        return (order.Id, RestService.For<IReviewApi>(http, Refit));
    }

    /// <summary>Review learns of the delivery from Order's events: until it has, the purchase is not yet verified (422).</summary>
    private static async Task<ReviewResponse> SubmitOnceVerifiedAsync(IReviewApi reviews, SubmitReviewRequest request) =>
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
}
