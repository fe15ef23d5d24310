using Commerce.Customer.Contracts;
using Commerce.Order.Contracts;
using Refit;

namespace Commerce.Order.Orders;

/// <summary>The order state machine and what each transition decides; <see cref="OrderEndpoints"/> runs them through the change pipeline.</summary>
internal static class OrderTransitions
{
    private static readonly Dictionary<OrderStatus, OrderStatus[]> Allowed = new()
    {
        [OrderStatus.Created] = [OrderStatus.Submitted, OrderStatus.Cancelled],
        [OrderStatus.Submitted] = [OrderStatus.Confirmed, OrderStatus.Cancelled],
        [OrderStatus.Confirmed] = [OrderStatus.Shipped, OrderStatus.Cancelled],
        [OrderStatus.Shipped] = [OrderStatus.Delivered],
        [OrderStatus.Delivered] = [],
        [OrderStatus.Cancelled] = [],
    };

    public static bool IsLegal(OrderStatus from, OrderStatus to) => Allowed[from].Contains(to);

    /// <summary>Created → Submitted, snapshotting the customer's billing and shipping addresses.</summary>
    public static async Task<Change<OrderSubmitted>> SubmitAsync(
        Order order, SubmitOrderRequest request, ICustomerApi customers, CancellationToken cancellationToken)
    {
        CustomerResponse customer;
        try
        {
            customer = await customers.GetCustomerAsync(order.CustomerId, cancellationToken);
        }
        catch (ApiException exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return Problems.Unprocessable($"Customer {order.CustomerId} does not exist.");
        }
        catch (Exception exception) when (exception is ApiException or HttpRequestException or TaskCanceledException
                                              && !cancellationToken.IsCancellationRequested)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Dependency unavailable",
                detail: $"Customer could not be reached: {exception.Message}");
        }

        if (customer.Status != CustomerStatus.Active)
        {
            return Problems.Unprocessable($"Customer {customer.Id} is {customer.Status}.");
        }

        var billing = Pick(customer, request.BillingAddressId, AddressKind.Billing, customer.DefaultBillingAddress);
        var shipping = Pick(customer, request.ShippingAddressId, AddressKind.Shipping, customer.DefaultShippingAddress);
        if (billing is null || shipping is null)
        {
            return Problems.Unprocessable(
                $"Customer {customer.Id} has no {(billing is null ? "billing" : "shipping")} address to snapshot" +
                ((billing is null ? request.BillingAddressId : request.ShippingAddressId) is { } id ? $" with id {id}." : "."));
        }

        order.BillingAddress = Snapshot(billing);
        order.ShippingAddress = Snapshot(shipping);
        return new OrderSubmitted(order.Id, order.CustomerId, Lines(order), order.Total, order.Currency,
            order.BillingAddress.ToContract(), order.ShippingAddress.ToContract());
    }

    internal static IReadOnlyList<OrderLine> Lines(Order order) =>
        [.. order.Items.OrderBy(i => i.LineNumber).Select(i => new OrderLine(i.ProductId, i.Sku, i.ProductName, i.UnitPrice, i.Quantity, i.Discount))];

    private static AddressResponse? Pick(CustomerResponse customer, Guid? id, AddressKind kind, AddressResponse? fallback) =>
        id is { } wanted ? customer.Addresses.FirstOrDefault(a => a.Id == wanted && a.Kind == kind) : fallback;

    private static Address Snapshot(AddressResponse a) => new()
    {
        Recipient = a.Recipient,
        Line1 = a.Line1,
        Line2 = a.Line2,
        City = a.City,
        Region = a.Region,
        PostalCode = a.PostalCode,
        Country = a.Country,
    };
}

internal static class OrderMapping
{
    public static AddressSnapshot ToContract(this Address a) => new(a.Recipient, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country);

    public static OrderResponse ToResponse(this Order o, CachedCustomer? customer) => new(
        o.Id, o.CustomerId, customer?.Name, customer?.Email, o.Status, o.Currency, o.Total,
        [.. o.Items.OrderBy(i => i.LineNumber).Select(i => new OrderItemResponse(i.ProductId, i.Sku, i.ProductName, i.UnitPrice, i.Quantity, i.LineTotal, i.Discount))],
        o.BillingAddress?.ToContract(), o.ShippingAddress?.ToContract(),
        [.. o.History.OrderBy(h => h.At).ThenBy(h => h.Id).Select(h => new OrderStatusChange(h.From, h.To, h.At, h.Note))],
        o.CreatedAt, o.UpdatedAt, o.Version, o.OrderDiscount, o.CouponCode,
        [.. o.Promotions.Select(p => new OrderPromotion(p.PromotionId, p.Name, p.CouponCode, p.Discount))], o.QuoteId);
}
