using Commerce.Customer.Contracts;
using Commerce.Order.Contracts;
using Commerce.ServiceDefaults.Messaging;
using Microsoft.EntityFrameworkCore;
using Refit;

namespace Commerce.Order.Orders;

public enum TransitionOutcome
{
    /// <summary>The order moved to the requested state (and its event was written).</summary>
    Applied,

    /// <summary>It was already there: an idempotent repeat, nothing written.</summary>
    AlreadyInState,
    NotFound,

    /// <summary>Illegal transition, If-Match mismatch or a concurrent change (409).</summary>
    Conflict,

    /// <summary>A business rule (e.g. no shipping address) prevents it (422).</summary>
    Unprocessable,

    /// <summary>A context it depends on could not be reached (503).</summary>
    Unavailable,
}

public sealed record TransitionResult(TransitionOutcome Outcome, Order? Order, string? Detail = null);

/// <summary>
/// The order state machine, callable without HTTP so a saga layer (e.g. starting the order workflow on a
/// successful submit) can sit on the same logic the endpoints use. Each method is idempotent.
/// </summary>
public sealed class OrderTransitions(OrderDbContext db, TimeProvider time)
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
    public async Task<TransitionResult> SubmitAsync(
        Guid orderId, SubmitOrderRequest request, int? expectedVersion, ICustomerApi customers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(customers);
        var (order, early) = await LoadForAsync(orderId, OrderStatus.Submitted, expectedVersion, cancellationToken);
        if (early is not null)
        {
            return early;
        }

        CustomerResponse customer;
        try
        {
            customer = await customers.GetCustomerAsync(order!.CustomerId, cancellationToken);
        }
        catch (ApiException exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return new(TransitionOutcome.Unprocessable, order, $"Customer {order!.CustomerId} does not exist.");
        }
        catch (Exception exception) when (exception is ApiException or HttpRequestException or TaskCanceledException
                                              && !cancellationToken.IsCancellationRequested)
        {
            return new(TransitionOutcome.Unavailable, order, $"Customer could not be reached: {exception.Message}");
        }

        if (customer.Status != CustomerStatus.Active)
        {
            return new(TransitionOutcome.Unprocessable, order, $"Customer {customer.Id} is {customer.Status}.");
        }

        var billing = Pick(customer, request.BillingAddressId, AddressKind.Billing, customer.DefaultBillingAddress);
        var shipping = Pick(customer, request.ShippingAddressId, AddressKind.Shipping, customer.DefaultShippingAddress);
        if (billing is null || shipping is null)
        {
            return new(TransitionOutcome.Unprocessable, order,
                $"Customer {customer.Id} has no {(billing is null ? "billing" : "shipping")} address to snapshot" +
                ((billing is null ? request.BillingAddressId : request.ShippingAddressId) is { } id ? $" with id {id}." : "."));
        }

        order.BillingAddress = Snapshot(billing);
        order.ShippingAddress = Snapshot(shipping);
        return await ApplyAsync(order, OrderStatus.Submitted, null, o => new OrderSubmitted(o.Id, o.CustomerId, Lines(o), o.Total,
            o.Currency, o.BillingAddress!.ToContract(), o.ShippingAddress!.ToContract()), cancellationToken);
    }

    public Task<TransitionResult> ConfirmAsync(Guid orderId, int? expectedVersion, string? note, CancellationToken cancellationToken) =>
        MoveAsync(orderId, OrderStatus.Confirmed, expectedVersion, note, o => new OrderConfirmed(o.Id, o.CustomerId), cancellationToken);

    public Task<TransitionResult> ShipAsync(Guid orderId, int? expectedVersion, string? note, CancellationToken cancellationToken) =>
        MoveAsync(orderId, OrderStatus.Shipped, expectedVersion, note, o => new OrderShipped(o.Id, o.CustomerId, note), cancellationToken);

    public Task<TransitionResult> DeliverAsync(Guid orderId, int? expectedVersion, string? note, CancellationToken cancellationToken) =>
        MoveAsync(orderId, OrderStatus.Delivered, expectedVersion, note, o => new OrderDelivered(o.Id, o.CustomerId), cancellationToken);

    public async Task<TransitionResult> CancelAsync(Guid orderId, int? expectedVersion, string reason, CancellationToken cancellationToken)
    {
        var (order, early) = await LoadForAsync(orderId, OrderStatus.Cancelled, expectedVersion, cancellationToken);
        if (early is not null)
        {
            return early;
        }

        var previous = order!.Status;
        return await ApplyAsync(order, OrderStatus.Cancelled, reason, o => new OrderCancelled(o.Id, o.CustomerId, previous, reason),
            cancellationToken);
    }

    private async Task<TransitionResult> MoveAsync<TEvent>(
        Guid orderId, OrderStatus target, int? expectedVersion, string? note, Func<Order, TEvent> @event, CancellationToken cancellationToken)
        where TEvent : notnull
    {
        var (order, early) = await LoadForAsync(orderId, target, expectedVersion, cancellationToken);
        return early ?? await ApplyAsync(order!, target, note, @event, cancellationToken);
    }

    /// <summary>
    /// The order, or the final answer: not found, already there (checked before If-Match so a retried call after a
    /// lost response still succeeds), version mismatch, or illegal transition.
    /// </summary>
    private async Task<(Order? Order, TransitionResult? Early)> LoadForAsync(
        Guid orderId, OrderStatus target, int? expectedVersion, CancellationToken cancellationToken)
    {
        var order = await db.Orders.Include(o => o.Items).Include(o => o.History)
            .FirstOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is null)
        {
            return (null, new(TransitionOutcome.NotFound, null, $"No order {orderId}."));
        }

        if (order.Status == target)
        {
            return (order, new(TransitionOutcome.AlreadyInState, order));
        }

        if (expectedVersion is { } expected && expected != order.Version)
        {
            return (order, new(TransitionOutcome.Conflict, order,
                $"If-Match names version {expected} but the order is at version {order.Version}; reload and retry."));
        }

        if (!IsLegal(order.Status, target))
        {
            return (order, new(TransitionOutcome.Conflict, order, $"An order that is {order.Status} cannot become {target}."));
        }

        return (order, null);
    }

    private async Task<TransitionResult> ApplyAsync<TEvent>(
        Order order, OrderStatus target, string? note, Func<Order, TEvent> @event, CancellationToken cancellationToken)
        where TEvent : notnull
    {
        var now = time.GetUtcNow();
        order.History.Add(new OrderHistoryEntry { Id = Guid.CreateVersion7(), From = order.Status, To = target, At = now, Note = note });
        order.Status = target;
        order.UpdatedAt = now;
        order.Version++;
        db.AddEvent(@event(order), order.Id, order.Version, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new(TransitionOutcome.Conflict, order, "The order was changed concurrently; reload and retry.");
        }

        return new(TransitionOutcome.Applied, order);
    }

    internal static IReadOnlyList<OrderLine> Lines(Order order) =>
        [.. order.Items.OrderBy(i => i.LineNumber).Select(i => new OrderLine(i.ProductId, i.Sku, i.ProductName, i.UnitPrice, i.Quantity))];

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
        [.. o.Items.OrderBy(i => i.LineNumber).Select(i => new OrderItemResponse(i.ProductId, i.Sku, i.ProductName, i.UnitPrice, i.Quantity, i.UnitPrice * i.Quantity))],
        o.BillingAddress?.ToContract(), o.ShippingAddress?.ToContract(),
        [.. o.History.OrderBy(h => h.At).ThenBy(h => h.Id).Select(h => new OrderStatusChange(h.From, h.To, h.At, h.Note))],
        o.CreatedAt, o.UpdatedAt, o.Version);
}
