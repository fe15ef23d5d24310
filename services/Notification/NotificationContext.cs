using System.Globalization;
using Commerce.Customer.Contracts;
using Commerce.Notification.Channels;
using Commerce.Notification.Contracts;
using Commerce.Notification.Privacy;
using Commerce.Notification.Sending;
using Commerce.Notification.Templates;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Promotion.Contracts;
using Commerce.Review.Contracts;
using Commerce.Seller.Contracts;
using Commerce.Shipping.Contracts;
using Commerce.ShoppingCart.Contracts;

namespace Commerce.Notification;

public static class NotificationContext
{
    public const string Name = "Notification";

    /// <summary>The retention name of finished messages (Commerce:Retention:Records:Notification:SentNotifications).</summary>
    public const string SentNotificationsRecords = "SentNotifications";

    public static IHostApplicationBuilder AddNotificationContext(this IHostApplicationBuilder builder)
    {
        builder.AddCommerceContext<NotificationDbContext>(Name)
            .HoldsCustomersPersonalData()
            .HandleEvent<CustomerRegistered>("Customer", (e, db, ct) =>
                CustomerContacts.ApplyAsync(db, e.Event.CustomerId, e.AggregateVersion, e.Event.Name, e.Event.Email, e.Event.Phone, e.Event.Preferences, ct))
            .HandleEvent<CustomerProfileUpdated>("Customer", (e, db, ct) =>
                CustomerContacts.ApplyAsync(db, e.Event.CustomerId, e.AggregateVersion, e.Event.Name, e.Event.Email, e.Event.Phone, e.Event.Preferences, ct))
            .HandleEvent<CustomerDeleted>("Customer", (e, db, ct) => CustomerContacts.ForgetAsync(db, e.Event.CustomerId, e.AggregateVersion, ct))
            .RebuildCache("customer-contacts", CustomerContacts.RebuildAsync)
            // A message for a customer the cache lacks asks Customer (FindOrFetchAsync); a deleted one is not found there,
            // which reads as its tombstone did.
            .ExpireCachedCopies<CustomerContact>("customer-contacts", CachedCopies.RefetchableLifetime, _ => true)
            .KeepCachedCopies<OrderRecipient>("a refund or tracking update may come long after the order; its message waits for the recipient")
            // Every order/payment event is its own message: a late "shipped" still notifies after "delivered".
            // Confirmation and shipping also record whose order it is, for Shipping's tracking updates (OrderRecipients).
            .HandleEvent<OrderConfirmed>("Order", async (e, db, ct) =>
                {
                    await OrderRecipients.ApplyAsync(db, e.Event.OrderId, e.Event.CustomerId, e.AggregateVersion, ct);
                    await NotifyAsync(e, e.Event.CustomerId, TemplateKeys.OrderConfirmed, new() { ["orderId"] = e.Event.OrderId.ToString() }, ct);
                },
                ignoreStaleVersions: false)
            .HandleEvent<OrderShipped>("Order", async (e, db, ct) =>
                {
                    await OrderRecipients.ApplyAsync(db, e.Event.OrderId, e.Event.CustomerId, e.AggregateVersion, ct);
                    await NotifyAsync(e, e.Event.CustomerId, TemplateKeys.OrderShipped, new() { ["orderId"] = e.Event.OrderId.ToString() }, ct);
                },
                ignoreStaleVersions: false)
            // Every tracking update is its own message (a late "in transit" still tells where the parcel was).
            .HandleEvent<TrackingUpdated>("Shipping", OrderRecipients.NotifyTrackingAsync, ignoreStaleVersions: false)
            .HandleEvent<OrderDelivered>("Order", (e, db, ct) =>
                NotifyAsync(e, e.Event.CustomerId, TemplateKeys.OrderDelivered, new() { ["orderId"] = e.Event.OrderId.ToString() }, ct),
                ignoreStaleVersions: false)
            .HandleEvent<OrderCancelled>("Order", (e, db, ct) =>
                NotifyAsync(e, e.Event.CustomerId, TemplateKeys.OrderCancelled,
                    new() { ["orderId"] = e.Event.OrderId.ToString(), ["reason"] = e.Event.Reason }, ct),
                ignoreStaleVersions: false)
            .HandleEvent<PaymentFailed>("Payment", (e, db, ct) =>
                NotifyAsync(e, e.Event.CustomerId, TemplateKeys.PaymentFailed, new()
                {
                    ["orderId"] = e.Event.OrderId.ToString(),
                    ["amount"] = e.Event.Amount.ToString("0.00", CultureInfo.InvariantCulture),
                    ["currency"] = e.Event.Currency,
                    ["failureCode"] = e.Event.FailureCode,
                }, ct),
                ignoreStaleVersions: false)
            .HandleEvent<PaymentRefunded>("Payment", (e, db, ct) =>
                NotifyAsync(e, e.Event.CustomerId, TemplateKeys.PaymentRefunded, new()
                {
                    ["orderId"] = e.Event.OrderId.ToString(),
                    ["amount"] = e.Event.Amount.ToString("0.00", CultureInfo.InvariantCulture),
                    ["currency"] = e.Event.Currency,
                }, ct),
                ignoreStaleVersions: false)
            // Each abandoned idle spell is its own reminder (the cart publishes one per spell); a win-back coupon its own message.
            .HandleEvent<CartAbandoned>("ShoppingCart", (e, db, ct) =>
                NotifyAsync(e, e.Event.CustomerId, TemplateKeys.CartAbandoned, new()
                {
                    ["itemCount"] = e.Event.ItemCount.ToString(CultureInfo.InvariantCulture),
                    ["subtotal"] = e.Event.Subtotal.ToString("0.00", CultureInfo.InvariantCulture),
                    ["currency"] = e.Event.Currency,
                }, ct),
                ignoreStaleVersions: false)
            .HandleEvent<CouponIssued>("Promotion", (e, db, ct) =>
                NotifyAsync(e, e.Event.CustomerId, TemplateKeys.CouponIssued, new()
                {
                    ["code"] = e.Event.Code,
                    ["promotionName"] = e.Event.PromotionName,
                    ["validUntil"] = e.Event.ValidUntil.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                }, ct),
                ignoreStaleVersions: false)
            .HandleEvent<ReviewRejected>("Review", (e, db, ct) =>
                NotifyAsync(e, e.Event.CustomerId, TemplateKeys.ReviewRejected,
                    new() { ["productName"] = e.Event.ProductName, ["reason"] = e.Event.Reason }, ct),
                ignoreStaleVersions: false)
            .HandleEvent<SellerRegistered>("Seller", (e, db, ct) => SellerContacts.ApplyAsync(db, e.Event.SellerId, e.AggregateVersion, e.Event.State, ct))
            .HandleEvent<SellerProfileUpdated>("Seller", (e, db, ct) => SellerContacts.ApplyAsync(db, e.Event.SellerId, e.AggregateVersion, e.Event.State, ct))
            .KeepCachedCopies<SellerContact>("a seller's messages go to it and nothing fetches it again; sellers are never deleted")
            // Each alert opens a low spell and is its own notice, sent even when a newer event of the seller's stream
            // (a profile change) overtook it.
            .HandleEvent<SellerStockLow>("Seller", NotifySellerStockLowAsync, ignoreStaleVersions: false)
            // The delivery log answers "was the customer told?" for a quarter; pending messages stay until they finish.
            .RetainRecords(SentNotificationsRecords, TimeSpan.FromDays(90), (db, cutoff) => db.Notifications
                .Where(n => (n.Status == DeliveryStatus.Sent || n.Status == DeliveryStatus.Failed) && n.CreatedAt < cutoff)
                .OrderBy(n => n.CreatedAt));

        builder.AddContextClient<ICustomerApi>("Customer", Name);
        var services = builder.Services;
        services.Configure<NotificationDeliveryOptions>(builder.Configuration.GetSection("Notification:Delivery"));
        services.AddScoped<NotificationComposer>();
        services.AddSingleton<SimulatedChannelLog>();
        foreach (var channel in Enum.GetValues<DeliveryChannel>())
        {
            services.AddSingleton<INotificationChannel>(sp => new SimulatedChannel(channel, sp.GetRequiredService<SimulatedChannelLog>()));
        }

        services.AddSingleton<NotificationDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationDispatcher>());
        return builder;
    }

    public static IEndpointRouteBuilder MapNotificationContext(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapTemplates().MapNotifications();

    private static async Task NotifySellerStockLowAsync(IncomingEvent<SellerStockLow> incoming, NotificationDbContext db, CancellationToken cancellationToken)
    {
        var e = incoming.Event;
        var composer = incoming.Services.GetRequiredService<NotificationComposer>();
        var message = await composer.ComposeForSellerAsync(e.SellerId, TemplateKeys.SellerLowStock, new Dictionary<string, string>
        {
            ["productName"] = e.ProductName,
            ["sku"] = e.Sku,
            ["warehouse"] = e.Warehouse,
            ["available"] = e.Available.ToString(CultureInfo.InvariantCulture),
            ["reorderPoint"] = e.ReorderPoint.ToString(CultureInfo.InvariantCulture),
        }, $"event:{incoming.EventId}", cancellationToken);
        // The seller's registration precedes every alert at Seller, but deliveries may overtake each other: failing
        // makes Seller retry this one after the contact has arrived.
        _ = message ?? throw new InvalidOperationException($"Seller {e.SellerId} is not in the contact cache yet; retry.");
        incoming.Services.GetRequiredService<NotificationDispatcher>().Wake();
    }

    /// <remarks>The composer works on the same scoped DbContext the inbox saves, so the messages commit with the event id.</remarks>
    private static async Task NotifyAsync<TEvent>(
        IncomingEvent<TEvent> incoming,
        Guid customerId,
        string templateKey,
        Dictionary<string, string> data,
        CancellationToken cancellationToken)
    {
        var composer = incoming.Services.GetRequiredService<NotificationComposer>();
        var (outcome, _) = await composer.ComposeAsync(customerId, templateKey, data, null, $"event:{incoming.EventId}", cancellationToken);
        if (outcome == ComposeOutcome.UnknownCustomer)
        {
            // Not in the cache, and Customer itself has no such live customer: nobody to notify, and no retry would change that.
            incoming.Services.GetRequiredService<ILogger<NotificationComposer>>().LogWarning(
                "{EventType} {EventId} is for customer {CustomerId}, whom Customer does not know: nobody notified",
                typeof(TEvent).Name, incoming.EventId, customerId);
            return;
        }

        incoming.Services.GetRequiredService<NotificationDispatcher>().Wake();
    }
}
