using Commerce.Customer;
using Commerce.Inventory;
using Commerce.Order;
using Commerce.Payment;
using Commerce.Product;

namespace Commerce.Host;

/// <summary>A context the host can run: how to register its services and map its endpoints.</summary>
public sealed record HostedContext(string Name, Action<IHostApplicationBuilder> Add, Action<IEndpointRouteBuilder> Map);

public static class HostedContexts
{
    /// <summary>Every context this host knows; one line per context.</summary>
    public static IReadOnlyList<HostedContext> All { get; } =
    [
        new("Inventory", b => b.AddInventoryContext(), e => e.MapInventoryContext()),
        new("Order", b => b.AddOrderContext(), e => e.MapOrderContext()),
        new("Customer", b => b.AddCustomerContext(), e => e.MapCustomerContext()),
        new("Product", b => b.AddProductContext(), e => e.MapProductContext()),
        new("Payment", b => b.AddPaymentContext(), e => e.MapPaymentContext()),
    ];

    /// <summary>Commerce:Contexts (comma-separated names, or an array); all contexts when unset.</summary>
    public static IReadOnlyList<HostedContext> Selected(IConfiguration configuration)
    {
        var section = configuration.GetSection("Commerce:Contexts");
        var names = (section.Value is { } list
                ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : section.GetChildren().Select(c => c.Value ?? "").Where(v => v.Length > 0))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (names.Count == 0)
        {
            return All;
        }

        var unknown = names.Except(All.Select(c => c.Name), StringComparer.OrdinalIgnoreCase).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"Unknown context(s) in Commerce:Contexts: {string.Join(", ", unknown)}. Known: {string.Join(", ", All.Select(c => c.Name))}.");
        }

        return [.. All.Where(c => names.Contains(c.Name))];
    }
}
