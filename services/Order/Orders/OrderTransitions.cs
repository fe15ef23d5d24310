using Commerce.Customer.Contracts;
using Commerce.Order.Caches;
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

    /// <summary>
    /// Created → Submitted, snapshotting the customer's billing and shipping addresses from Order's address-book cache
    /// (fed by CustomerAddressAdded); Customer's API is asked only when the address wanted (or a default) is not cached
    /// yet — addresses given at registration travel in no event, and an address added a moment ago may still be on
    /// its way. A suspended customer is refused by the suspension Order caches (CustomerSuspended), or by the API's answer.
    /// </summary>
    public static async Task<Change<OrderSubmitted>> SubmitAsync(
        Order order, SubmitOrderRequest request, OrderDbContext db, ICustomerApi customers, CancellationToken cancellationToken)
    {
        if (await db.Customers.AnyAsync(c => c.CustomerId == order.CustomerId && c.Suspended, cancellationToken))
        {
            return Problems.Unprocessable($"Customer {order.CustomerId} is {CustomerStatus.Suspended}.");
        }

        var book = await db.Addresses.AsNoTracking().Where(a => a.CustomerId == order.CustomerId).ToListAsync(cancellationToken);
        var billing = Cached(book, request.BillingAddressId, AddressKind.Billing);
        var shipping = Cached(book, request.ShippingAddressId, AddressKind.Shipping);
        if (billing is null || shipping is null)
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

            billing ??= Pick(customer, request.BillingAddressId, AddressKind.Billing, customer.DefaultBillingAddress);
            shipping ??= Pick(customer, request.ShippingAddressId, AddressKind.Shipping, customer.DefaultShippingAddress);
            if (billing is null || shipping is null)
            {
                return Problems.Unprocessable(
                    $"Customer {customer.Id} has no {(billing is null ? "billing" : "shipping")} address to snapshot" +
                    ((billing is null ? request.BillingAddressId : request.ShippingAddressId) is { } id ? $" with id {id}." : "."));
            }
        }

        order.BillingAddress = billing;
        order.ShippingAddress = shipping;
        return new OrderSubmitted(order.Id, order.CustomerId, Lines(order), order.Total, order.Currency,
            order.BillingAddress.ToContract(), order.ShippingAddress.ToContract());
    }

    internal static IReadOnlyList<OrderLine> Lines(Order order) =>
        [.. order.Items.OrderBy(i => i.LineNumber).Select(i => new OrderLine(i.ProductId, i.Sku, i.ProductName, i.UnitPrice, i.Quantity, i.Discount))];

    private static Address? Pick(CustomerResponse customer, Guid? id, AddressKind kind, AddressResponse? fallback) =>
        (id is { } wanted ? customer.Addresses.FirstOrDefault(a => a.Id == wanted && a.Kind == kind) : fallback) is { } a ? Snapshot(a) : null;

    /// <summary>
    /// The cached address wanted, or the kind's default: adding a default clears the older ones' flags at the owner,
    /// so the newest cached address flagged default is the default, whichever order the additions arrived in.
    /// </summary>
    private static Address? Cached(List<CachedAddress> book, Guid? id, AddressKind kind) =>
        (id is { } wanted
            ? book.FirstOrDefault(a => a.AddressId == wanted && a.Kind == kind)
            : book.Where(a => a.Kind == kind && a.IsDefault).MaxBy(a => a.SourceVersion)) is { } c
            ? new Address
            {
                Recipient = c.Recipient,
                Line1 = c.Line1,
                Line2 = c.Line2,
                City = c.City,
                Region = c.Region,
                PostalCode = c.PostalCode,
                Country = c.Country,
            }
            : null;

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

    public static OrderResponse ToResponse(this Order o, CachedCustomer? customer, OrderViews.Progress progress) => new(
        o.Id, o.CustomerId, customer?.Name, customer?.Email, o.Status, o.Currency, o.Total,
        [.. o.Items.OrderBy(i => i.LineNumber).Select(i => new OrderItemResponse(i.ProductId, i.Sku, i.ProductName, i.UnitPrice, i.Quantity, i.LineTotal, i.Discount))],
        o.BillingAddress?.ToContract(), o.ShippingAddress?.ToContract(),
        [.. o.History.OrderBy(h => h.At).ThenBy(h => h.Id).Select(h => new OrderStatusChange(h.From, h.To, h.At, h.Note))],
        o.CreatedAt, o.UpdatedAt, o.Version, o.OrderDiscount, o.CouponCode,
        [.. o.Promotions.Select(p => progress.Campaigns.TryGetValue(p.PromotionId, out var campaign)
            ? new OrderPromotion(p.PromotionId, p.Name, p.CouponCode, p.Discount, campaign.Name, campaign.EndsAt, campaign.Active)
            : new OrderPromotion(p.PromotionId, p.Name, p.CouponCode, p.Discount))],
        o.QuoteId, progress.Reservation, progress.Payment, progress.Shipment, progress.CouponUse);
}
