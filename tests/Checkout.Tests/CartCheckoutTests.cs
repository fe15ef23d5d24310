using System.Net;
using Commerce.Checkout.Contracts;
using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Pricing.Contracts;
using Commerce.Product.Contracts;
using Commerce.Promotion.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ShoppingCart.Contracts;
using Commerce.Testing;
using Commerce.Workflows.OrderSaga;
using Refit;

namespace Commerce.Checkout.Tests;

/// <summary>
/// A shop end to end over HTTP: a cart priced through Pricing on every read, a coupon checked by Promotion, checkout
/// turning the cart into an order with the quote's prices and starting its saga, which claims the coupon's use.
/// </summary>
public sealed class CartCheckoutTests(ShopSystem shop) : IClassFixture<ShopSystem>
{
    [Fact]
    public async Task Checkout_CartWithCouponAfterAPriceChange_DeliveredWithTheDiscountedTotalCaptured()
    {
        var shopper = await shop.NewShopperAsync();
        var product = await shop.NewProductAsync(price: 20.00m, stock: 10);
        var coupon = await shop.NewCouponAsync(percentOff: 10, uses: 10);

        await shopper.Cart.SetItemAsync(shopper.CustomerId, product.Id, new SetCartItemRequest(2));
        await shop.Products.ChangePriceAsync(product.Id, new ChangePriceRequest(25.00m, "EUR"));
        // Pricing learns the new price from Product's event: the next read of the cart shows it beside the old one.
        var repriced = await Poll.UntilAsync(() => shopper.Cart.GetCartAsync(shopper.CustomerId), c => c.Lines.Single().UnitPrice == 25.00m);
        var line = repriced.Lines.Single();
        Assert.Equal((20.00m, 25.00m, true, 50.00m), (line.PriceWhenAdded, line.UnitPrice, line.PriceChanged, line.LineTotal));

        var withCoupon = await shopper.Cart.ApplyCouponAsync(shopper.CustomerId, new ApplyCouponRequest(coupon.ToLowerInvariant()));
        Assert.Equal((50.00m, 5.00m, 45.00m, coupon), (withCoupon.Subtotal, withCoupon.Discount, withCoupon.Total, withCoupon.CouponCode));

        var checkout = await shopper.Cart.CheckoutAsync(shopper.CustomerId, new CheckoutCartRequest(shopper.PaymentMethodId), "click-1");

        Assert.Equal(HttpStatusCode.OK, checkout.StatusCode);
        Assert.Equal(SubmissionOutcomes.Accepted, checkout.Content!.Outcome);
        var orderId = checkout.Content.OrderId;
        Assert.Equal(SagaStages.Delivered, (await shop.Saga(orderId).GetResultAsync()).Outcome);
        var order = await shop.Orders.GetOrderAsync(orderId);
        var item = order.Items.Single();
        Assert.Equal((25.00m, 2, 0m, 50.00m), (item.UnitPrice, item.Quantity, item.Discount, item.LineTotal));
        Assert.Equal((5.00m, 45.00m, coupon), (order.OrderDiscount, order.Total, order.CouponCode));
        Assert.Equal(5.00m, Assert.Single(order.Promotions!).Discount);
        var payment = Assert.Single(await shop.Payments.ListPaymentsAsync(orderId));
        Assert.Equal((45.00m, 45.00m), (payment.Amount, payment.CapturedAmount));
        Assert.Equal(1, (await shop.Promotions.GetCouponAsync(coupon)).Used);
        // The cart is gone with its conversion.
        Assert.Null((await shopper.Cart.GetCartAsync(shopper.CustomerId)).Id);
        Assert.Contains("CartConvertedToOrder", await shop.Sql.EventTypesAsync("shoppingcart", checkout.Content.CartId.ToString()));
    }

    [Fact]
    public async Task Checkout_DoubleClickAndRetry_OneOrderAndOneSaga()
    {
        var shopper = await shop.NewShopperAsync();
        var product = await shop.NewProductAsync(price: 12.50m, stock: 10);
        await shopper.Cart.SetItemAsync(shopper.CustomerId, product.Id, new SetCartItemRequest(1));
        var request = new CheckoutCartRequest(shopper.PaymentMethodId);

        var clicks = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => shopper.Cart.CheckoutAsync(shopper.CustomerId, request, "double-click")));
        var retried = await shopper.Cart.CheckoutAsync(shopper.CustomerId, request, "double-click");

        Assert.All(clicks.Append(retried), answer => Assert.True(answer.IsSuccessful, (answer.Error as ApiException)?.Content));
        var orderId = Assert.Single(clicks.Append(retried).Select(c => c.Content!.OrderId).Distinct());
        Assert.Equal(1, (await shop.Orders.ListOrdersAsync(customerId: shopper.CustomerId)).TotalCount);
        Assert.Equal(SagaStages.Delivered, (await shop.Saga(orderId).GetResultAsync()).Outcome);
        Assert.Single(await shop.Payments.ListPaymentsAsync(orderId));
    }

    [Fact]
    public async Task Checkout_FiftyAtOnceWithACouponOfTenUses_ExactlyTenDiscountedOrdersAndTheRestRejectedUncharged()
    {
        var product = await shop.NewProductAsync(price: 10.00m, stock: 100);
        var coupon = await shop.NewCouponAsync(percentOff: 50, uses: 10);
        var shoppers = new List<Shopper>();
        for (var i = 0; i < 50; i++)
        {
            var shopper = await shop.NewShopperAsync();
            await shopper.Cart.SetItemAsync(shopper.CustomerId, product.Id, new SetCartItemRequest(1));
            await shopper.Cart.ApplyCouponAsync(shopper.CustomerId, new ApplyCouponRequest(coupon));
            shoppers.Add(shopper);
        }

        var answers = await Task.WhenAll(shoppers.Select(s => s.Cart.CheckoutAsync(s.CustomerId, new CheckoutCartRequest(s.PaymentMethodId), "fifty")));

        Assert.Equal(10, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(40, answers.Count(a => a.StatusCode == HttpStatusCode.UnprocessableEntity));
        Assert.All(answers.Where(a => !a.IsSuccessful), a => Assert.Contains("used", (a.Error as ApiException)?.Content, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(10, (await shop.Promotions.GetCouponAsync(coupon)).Used);
        // A rejected checkout reserved nothing and charged nothing, and kept the cart for the customer to change. It was
        // refused at quote time (no order made) or, when the quote still saw uses left, by the saga's claim (the order
        // then cancelled by its compensation).
        Assert.Equal(90, (await shop.Inventory.GetStockAsync(product.Sku)).Available);
        foreach (var shopper in shoppers.Where((_, i) => answers[i].StatusCode == HttpStatusCode.UnprocessableEntity))
        {
            foreach (var rejected in (await shop.Orders.ListOrdersAsync(customerId: shopper.CustomerId)).Items)
            {
                Assert.Equal(SagaStages.Rejected, (await shop.Saga(rejected.Id).GetResultAsync()).Outcome);
                Assert.Equal(OrderStatus.Cancelled, (await shop.Orders.GetOrderAsync(rejected.Id)).Status);
                Assert.Empty(await shop.Payments.ListPaymentsAsync(rejected.Id));
            }

            Assert.Single((await shopper.Cart.GetCartAsync(shopper.CustomerId)).Lines);
        }
    }

    [Fact]
    public async Task Cancel_AfterAcceptance_GivesTheCouponUseBack()
    {
        var shopper = await shop.NewShopperAsync();
        var product = await shop.NewProductAsync(price: 30.00m, stock: 5);
        var coupon = await shop.NewCouponAsync(percentOff: 20, uses: 1);
        await shopper.Cart.SetItemAsync(shopper.CustomerId, product.Id, new SetCartItemRequest(1));
        await shopper.Cart.ApplyCouponAsync(shopper.CustomerId, new ApplyCouponRequest(coupon));
        // The carrier is down: the accepted order waits before shipping, where it can still be cancelled.
        shop.Outages.TakeDown("/shipments");
        Guid orderId;
        try
        {
            var checkout = await shopper.Cart.CheckoutAsync(shopper.CustomerId, new CheckoutCartRequest(shopper.PaymentMethodId), "to-cancel");
            Assert.Equal(HttpStatusCode.OK, checkout.StatusCode);
            orderId = checkout.Content!.OrderId;
            Assert.Equal(1, (await shop.Promotions.GetCouponAsync(coupon)).Used);
            await shop.WaitForSagaAsync(orderId, saga => saga.NeedsAttention);
            await shopper.Checkout.CancelAsync(orderId, new CancelCheckoutRequest("Changed my mind"));
            Assert.Equal(SagaStages.Cancelled, (await shop.Saga(orderId).GetResultAsync()).Outcome);
        }
        finally
        {
            shop.Outages.BringUp("/shipments");
        }

        Assert.Equal(0, (await shop.Promotions.GetCouponAsync(coupon)).Used);
        Assert.Equal(RedemptionStatus.Released, (await shop.Promotions.GetRedemptionAsync(Activities.IdempotencyKeys.For(orderId, SagaSteps.ApplyPromotion))).Status);
    }
}

/// <summary>The whole system with typed clients for the shop's contexts.</summary>
public sealed class ShopSystem : SagaSystem
{
    private readonly RefitSettings refit = new() { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) };

    public IProductApi Products { get; private set; } = null!;

    public IPromotionApi Promotions { get; private set; } = null!;

    public IPricingApi Pricing { get; private set; } = null!;

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        Products = Api<IProductApi>();
        Promotions = Api<IPromotionApi>();
        Pricing = Api<IPricingApi>();
    }

    public async Task<Shopper> NewShopperAsync()
    {
        var email = $"shopper-{Guid.NewGuid():N}@example.com";
        var customer = await Api<ICustomerApi>().RegisterAsync(new RegisterCustomerRequest(
            "Grace Hopper",
            email,
            Addresses:
            [
                new AddressInput(AddressKind.Shipping, "Grace Hopper", "1 Navy Way", "Arlington", "22202", "US", IsDefault: true),
                new AddressInput(AddressKind.Billing, "Grace Hopper", "1 Navy Way", "Arlington", "22202", "US", IsDefault: true),
            ], Password: TestIdentity.CustomerPassword));
        var method = await Payments.AddPaymentMethodAsync(new AddPaymentMethodRequest(customer.Id, TestCards.Success, 12, DateTime.UtcNow.Year + 2));
        var http = await CustomerClientAsync(email);
        return new Shopper(customer.Id, method.Id, RestService.For<IShoppingCartApi>(http, refit), RestService.For<ICheckoutApi>(http, refit));
    }

    public async Task<ProductResponse> NewProductAsync(decimal price, int stock)
    {
        var sku = $"SKU-{Guid.NewGuid():N}"[..20];
        var product = await Products.CreateProductAsync(new CreateProductRequest(sku, "Difference Engine", "machines", price, "EUR"));
        await Inventory.ReceiveAsync(sku, new Inventory.Contracts.ReceiveStockRequest("WH-1", stock));
        return product;
    }

    /// <summary>An active order-wide coupon promotion in EUR with one code; returns the code.</summary>
    public async Task<string> NewCouponAsync(decimal percentOff, int uses)
    {
        var promotion = await Promotions.CreatePromotionAsync(new CreatePromotionRequest(
            $"{percentOff} % off",
            new PromotionTerms(DiscountKind.Percentage, percentOff, "EUR", PromotionScope.Order),
            DateTimeOffset.UtcNow.AddMinutes(-1),
            DateTimeOffset.UtcNow.AddDays(1),
            RequiresCoupon: true));
        var code = $"C-{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        await Promotions.CreateCouponAsync(promotion.Id, new CreateCouponRequest(code, uses, PerCustomerLimit: 1));
        return code;
    }

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        // Fifty sagas decide at once on two cores: every checkout waits for its decision instead of answering Pending.
        ["Checkout:DecisionTimeout"] = "00:00:30",
    };
}

/// <summary>A signed-in customer with default addresses and a card, and their own clients of the cart and Checkout APIs.</summary>
public sealed record Shopper(Guid CustomerId, Guid PaymentMethodId, IShoppingCartApi Cart, ICheckoutApi Checkout);
