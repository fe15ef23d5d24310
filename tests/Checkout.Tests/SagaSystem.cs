using Commerce.Checkout.Contracts;
using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.Inventory.Contracts;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults;
using Commerce.Shipping.Contracts;
using Commerce.Testing;
using Commerce.Workflows.OrderSaga;
using Refit;

namespace Commerce.Checkout.Tests;

/// <summary>The whole system (see <see cref="WholeSystem"/>) with typed clients for the APIs the saga tests use.</summary>
public class SagaSystem : WholeSystem
{
    public ICheckoutApi Checkout { get; private set; } = null!;

    public IOrderApi Orders { get; private set; } = null!;

    public IInventoryApi Inventory { get; private set; } = null!;

    public IPaymentApi Payments { get; private set; } = null!;

    public IShippingApi Shipping { get; private set; } = null!;

    private ICustomerApi Customers { get; set; } = null!;

    private IProductApi Products { get; set; } = null!;

    protected override Task SeedAsync()
    {
        Checkout = Api<ICheckoutApi>();
        Orders = Api<IOrderApi>();
        Inventory = Api<IInventoryApi>();
        Payments = Api<IPaymentApi>();
        Shipping = Api<IShippingApi>();
        Customers = Api<ICustomerApi>();
        Products = Api<IProductApi>();
        return Task.CompletedTask;
    }

    /// <summary>A customer with default addresses, a card, and an order for <paramref name="quantity"/> of a new product.</summary>
    public async Task<NewOrder> NewOrderAsync(int stock = 10, int quantity = 2, string card = TestCards.Success)
    {
        var email = $"ada-{Guid.NewGuid():N}@example.com";
        var customer = await Customers.RegisterAsync(new RegisterCustomerRequest(
            "Ada Lovelace",
            email,
            Addresses:
            [
                new AddressInput(AddressKind.Shipping, "Ada Lovelace", "12 St James's Square", "London", "SW1Y 4JH", "GB", IsDefault: true),
                new AddressInput(AddressKind.Billing, "Ada Lovelace", "12 St James's Square", "London", "SW1Y 4JH", "GB", IsDefault: true),
            ], Password: TestIdentity.CustomerPassword));
        var sku = $"SKU-{Guid.NewGuid():N}"[..20];
        var product = await Products.CreateProductAsync(new CreateProductRequest(sku, "Analytical Engine", "machines", 12.50m, "EUR"));
        await Inventory.ReceiveAsync(sku, new ReceiveStockRequest("WH-1", stock));
        var method = await Payments.AddPaymentMethodAsync(new AddPaymentMethodRequest(customer.Id, card, 12, DateTime.UtcNow.Year + 2));
        var order = await Orders.CreateOrderAsync(new CreateOrderRequest(customer.Id, [new CreateOrderItem(product.Id, quantity)]));
        return new NewOrder(order.Id, method.Id, sku, quantity, email);
    }

    /// <summary>The Checkout API as the customer of <paramref name="order"/>, signed in with their own token.</summary>
    public async Task<ICheckoutApi> CheckoutAsCustomerAsync(NewOrder order) =>
        RestService.For<ICheckoutApi>(await CustomerClientAsync(order.CustomerEmail), new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    /// <summary>Polls the saga's query until <paramref name="condition"/> holds (the saga raises no event to await).</summary>
    public Task<OrderSagaStatus> WaitForSagaAsync(Guid orderId, Func<OrderSagaStatus, bool> condition) =>
        Poll.UntilAsync(() => Saga(orderId).QueryAsync(saga => saga.GetStatus()), condition, TimeSpan.FromSeconds(60));

    /// <summary>Succeeded payment transactions of one kind for an order, counted in Payment's own tables.</summary>
    public Task<long> PaymentTransactionsAsync(Guid orderId, string kind) =>
        Sql.CountAsync(
            "payment.payment_transactions t JOIN payment.payments p ON p.id = t.payment_id",
            "p.order_id = $1 AND t.kind = $2 AND t.succeeded",
            orderId, kind);
}

public sealed record NewOrder(Guid OrderId, Guid PaymentMethodId, string Sku, int Quantity, string CustomerEmail);
