using Commerce.Customer.Contracts;
using Commerce.Promotion.Campaigns;
using Commerce.Promotion.Contracts;
using Commerce.Promotion.Coupons;
using Commerce.Promotion.Customers;
using Commerce.Promotion.Privacy;
using Commerce.Promotion.Redemptions;
using Commerce.ShoppingCart.Contracts;
using Microsoft.Extensions.Configuration;

namespace Commerce.Promotion;

public static class PromotionContext
{
    public const string Name = "Promotion";

    /// <summary>The demo coupon seed-demo creates (matched by it, so seeding twice changes nothing).</summary>
    public const string DemoCouponCode = "WELCOME10";

    public static IHostApplicationBuilder AddPromotionContext(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddCommerceContext<PromotionDbContext>(Name)
            .HoldsCustomersPersonalData()
            .HandleEvent<CustomerRegistered>("Customer", CustomerTiers.RegisteredAsync)
            .HandleEvent<CustomerMembershipUpgraded>("Customer", CustomerTiers.UpgradedAsync)
            .KeepCachedCopies<CustomerTier>("a missing tier would refuse a member's tier-only coupon; Customer deletes no membership")
            .HandleEvent<CartAbandoned>("ShoppingCart", WinBackCoupons.CartAbandonedAsync)
            .SeedDemoData(SeedDemoPromotionAsync);
        // Released redemptions and ended promotions are accounting records: nothing is retained for a limited time.

        builder.Services.Configure<PromotionScheduleOptions>(builder.Configuration.GetSection("Promotion:Schedule"));
        builder.Services.Configure<WinBackOptions>(builder.Configuration.GetSection("Promotion:WinBack"));
        builder.Services.AddSingleton<PromotionScheduleSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PromotionScheduleSweeper>());
        return builder;
    }

    /// <summary>/promotions/...</summary>
    public static IEndpointRouteBuilder MapPromotionContext(this IEndpointRouteBuilder endpoints)
    {
        var promotions = endpoints.MapContextGroup(Name, "/promotions");
        promotions.MapPromotions();
        promotions.MapCoupons();
        promotions.MapRedemptions();
        return endpoints;
    }

    /// <summary>"Demo 10% off" the whole order with WELCOME10, for a year from seeding, in the demo catalog's currency.</summary>
    private static async Task SeedDemoPromotionAsync(PromotionDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (await db.Coupons.AnyAsync(c => c.Code == DemoCouponCode, cancellationToken))
        {
            return;
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var campaign = PromotionEndpoints.NewCampaign(
            new CreatePromotionRequest("Demo 10% off", new PromotionTerms(DiscountKind.Percentage, 10m, "USD", PromotionScope.Order),
                now, now.AddYears(1), RequiresCoupon: true, "10% off any order with WELCOME10 (demo data)."),
            now);
        db.Promotions.Add(campaign);
        db.AddEvent(PromotionEndpoints.Activated(campaign), campaign.Id, campaign.Version, now);
        await CouponEndpoints.IssueAsync(db, campaign, new CreateCouponRequest(DemoCouponCode, UsageLimit: 1000, PerCustomerLimit: 5), now,
            sourceCartId: null, cancellationToken);
    }
}
