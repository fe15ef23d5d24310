using Commerce.Checkout;
using Commerce.Customer;
using Commerce.DataSubjects;
using Commerce.Delivery;
using Commerce.Inventory;
using Commerce.Notification;
using Commerce.Order;
using Commerce.Payment;
using Commerce.Pricing;
using Commerce.Product;
using Commerce.Promotion;
using Commerce.Review;
using Commerce.Seller;
using Commerce.Shipping;
using Commerce.ShoppingCart;

namespace Commerce.Host;

/// <summary>A context the host can run: how to register its services and map its endpoints.</summary>
public sealed record HostedContext(string Name, Action<IHostApplicationBuilder> Add, Action<IEndpointRouteBuilder> Map);

public static class HostedContexts
{
    public const string SagaWorker = Commerce.Activities.OwnerClients.SagaWorker;

    /// <summary>Every context this host knows; one line per context.</summary>
    public static IReadOnlyList<HostedContext> All { get; } =
    [
        new("Inventory", b => b.AddInventoryContext(), e => e.MapInventoryContext()),
        new("Order", b => b.AddOrderContext(), e => e.MapOrderContext()),
        new("Customer", b => b.AddCustomerContext(), e => e.MapCustomerContext()),
        new("Product", b => b.AddProductContext(), e => e.MapProductContext()),
        new("Payment", b => b.AddPaymentContext(), e => e.MapPaymentContext()),
        new("Shipping", b => b.AddShippingContext(), e => e.MapShippingContext()),
        new("Notification", b => b.AddNotificationContext(), e => e.MapNotificationContext()),
        new("ShoppingCart", b => b.AddShoppingCartContext(), e => e.MapShoppingCartContext()),
        new("Pricing", b => b.AddPricingContext(), e => e.MapPricingContext()),
        new("Promotion", b => b.AddPromotionContext(), e => e.MapPromotionContext()),
        new("Seller", b => b.AddSellerContext(), e => e.MapSellerContext()),
        new("Review", b => b.AddReviewContext(), e => e.MapReviewContext()),
        new("Delivery", b => b.AddDeliveryContext(), e => e.MapDeliveryContext()),
    ];

    /// <summary>
    /// The order process's parts, which own no data: the Checkout API (starts and steers sagas) and the saga
    /// worker. Selected by name like contexts, so production can run the worker in processes of its own.
    /// </summary>
    public static IReadOnlyList<HostedContext> Processes { get; } =
    [
        new(CheckoutModule.Name, b => b.AddCheckout(), e => e.MapCheckout()),
        // The worker process runs every workflow: the order saga's and the data-subject requests'.
        new(SagaWorker, b => b.AddOrderSagaWorker().AddDataSubjectWorker(), _ => { }),
        // Data-subject requests: starts each request's workflow from Customer's event.
        new(DataSubjectsModule.Name, b => b.AddDataSubjects(), e => e.MapDataSubjects()),
    ];

    /// <summary>
    /// The whole system as Commerce:Contexts names it: every data-owning context and every process, less the saga
    /// worker when it runs in processes of its own.
    /// </summary>
    public static string Everything(bool withSagaWorker = true) =>
        string.Join(',', All.Concat(Processes).Where(c => withSagaWorker || c.Name != SagaWorker).Select(c => c.Name));

    /// <summary>Commerce:Contexts (comma-separated names, or an array); every context and process when unset.</summary>
    public static IReadOnlyList<HostedContext> Selected(IConfiguration configuration)
    {
        var section = configuration.GetSection("Commerce:Contexts");
        var names = (section.Value is { } list
                ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : section.GetChildren().Select(c => c.Value ?? "").Where(v => v.Length > 0))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<HostedContext> known = [.. All, .. Processes];
        if (names.Count == 0)
        {
            return known;
        }

        var unknown = names.Except(known.Select(c => c.Name), StringComparer.OrdinalIgnoreCase).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"Unknown context(s) in Commerce:Contexts: {string.Join(", ", unknown)}. Known: {string.Join(", ", known.Select(c => c.Name))}.");
        }

        return [.. known.Where(c => names.Contains(c.Name))];
    }
}
