using Commerce.Customer.Contracts;
using Commerce.Order.Caches;
using Commerce.Order.Orders;
using Commerce.Order.Privacy;
using Commerce.Pricing.Contracts;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults.Audit;

namespace Commerce.Order;

public static class OrderContext
{
    public const string Name = "Order";

    public static IHostApplicationBuilder AddOrderContext(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddCommerceContext<OrderDbContext>(Name).HandleCacheEvents().HandleProgressEvents().HoldsCustomersPersonalData();
        builder.AddContextClient<IProductApi>("Product", Name);
        builder.AddContextClient<ICustomerApi>("Customer", Name);
        builder.AddContextClient<IPricingApi>("Pricing", Name);
        return builder;
    }

    /// <summary>/orders, /orders/{id}, /orders/{id}/submit|confirm|ship|deliver|cancel.</summary>
    public static IEndpointRouteBuilder MapOrderContext(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapContextGroup(Name, "/orders").AuditsOperatorReads().MapOrders();
        return endpoints;
    }
}
