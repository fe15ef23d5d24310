using Commerce.Checkout.Contracts;
using Commerce.Order.Contracts;
using Commerce.Pricing.Contracts;
using Commerce.Product.Contracts;
using Commerce.ShoppingCart.Abandonment;
using Commerce.ShoppingCart.Caches;
using Commerce.ShoppingCart.Carts;
using Commerce.ShoppingCart.Conversion;
using Commerce.ShoppingCart.Privacy;
using Microsoft.Extensions.Configuration;

namespace Commerce.ShoppingCart;

public static class ShoppingCartContext
{
    public const string Name = "ShoppingCart";

    public static IHostApplicationBuilder AddShoppingCartContext(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddCommerceContext<ShoppingCartDbContext>(Name)
            .HandleCacheEvents()
            .HoldsCustomersPersonalData()
            // A retried checkout finds its order for this long; after that a key may be used again.
            .RetainRecords("CartConversions", TimeSpan.FromDays(30), (db, cutoff) => db.Conversions
                .Where(c => c.CreatedAt < cutoff)
                .OrderBy(c => c.CreatedAt));

        builder.AddContextClient<IProductApi>("Product", Name);
        builder.AddContextClient<IPricingApi>("Pricing", Name);
        // Orders and submissions are the customer's own acts: Order and Checkout decide with the caller's token.
        builder.AddContextClient<IOrderApi>("Order", Name, actForRequestCaller: true);
        builder.AddContextClient<ICheckoutApi>("Checkout", Name, actForRequestCaller: true);

        builder.Services.Configure<AbandonmentOptions>(builder.Configuration.GetSection(AbandonmentOptions.Section));
        builder.Services.AddSingleton<CartAbandonmentSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CartAbandonmentSweeper>());
        return builder;
    }

    /// <summary>/carts/{customerId}/...</summary>
    public static IEndpointRouteBuilder MapShoppingCartContext(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapContextGroup(Name, "/carts").MapCarts().MapCartCheckout();
        return endpoints;
    }
}
