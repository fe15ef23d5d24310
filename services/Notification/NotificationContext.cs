using System.Globalization;
using Commerce.Customer.Contracts;
using Commerce.Notification.Channels;
using Commerce.Notification.Contracts;
using Commerce.Notification.Sending;
using Commerce.Notification.Templates;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;

namespace Commerce.Notification;

public static class NotificationContext
{
    public const string Name = "Notification";

    /// <summary>The retention name of finished messages (Commerce:Retention:Records:Notification:SentNotifications).</summary>
    public const string SentNotificationsRecords = "SentNotifications";

    public static IHostApplicationBuilder AddNotificationContext(this IHostApplicationBuilder builder)
    {
        builder.AddCommerceContext<NotificationDbContext>(Name)
            .HandleEvent<CustomerRegistered>("Customer", (e, db, ct) =>
                UpsertContactAsync(db, e.Event.CustomerId, e.AggregateVersion, e.Event.Name, e.Event.Email, e.Event.Phone, e.Event.Preferences, ct))
            .HandleEvent<CustomerProfileUpdated>("Customer", (e, db, ct) =>
                UpsertContactAsync(db, e.Event.CustomerId, e.AggregateVersion, e.Event.Name, e.Event.Email, e.Event.Phone, e.Event.Preferences, ct))
            .HandleEvent<CustomerDeleted>("Customer", ForgetContactAsync)
            // Every order/payment event is its own message: a late "shipped" still notifies after "delivered".
            .HandleEvent<OrderConfirmed>("Order", (e, db, ct) =>
                NotifyAsync(e, e.Event.CustomerId, TemplateKeys.OrderConfirmed, new() { ["orderId"] = e.Event.OrderId.ToString() }, ct),
                ignoreStaleVersions: false)
            .HandleEvent<OrderShipped>("Order", (e, db, ct) =>
                NotifyAsync(e, e.Event.CustomerId, TemplateKeys.OrderShipped, new() { ["orderId"] = e.Event.OrderId.ToString() }, ct),
                ignoreStaleVersions: false)
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
            // The delivery log answers "was the customer told?" for a quarter; pending messages stay until they finish.
            .RetainRecords(SentNotificationsRecords, TimeSpan.FromDays(90), (db, cutoff) => db.Notifications
                .Where(n => (n.Status == DeliveryStatus.Sent || n.Status == DeliveryStatus.Failed) && n.CreatedAt < cutoff)
                .OrderBy(n => n.CreatedAt));

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

    private static async Task UpsertContactAsync(
        NotificationDbContext db,
        Guid customerId,
        int version,
        string name,
        string email,
        string? phone,
        CustomerPreferences preferences,
        CancellationToken cancellationToken)
    {
        var contact = await db.Contacts.FirstOrDefaultAsync(c => c.CustomerId == customerId, cancellationToken);
        if (contact is null)
        {
            contact = new CustomerContact { CustomerId = customerId, Name = name, Email = email, Language = preferences.Language, SourceVersion = version };
            db.Contacts.Add(contact);
        }
        else if (version <= contact.SourceVersion || contact.Deleted)
        {
            return;
        }

        contact.Name = name;
        contact.Email = email;
        contact.Phone = phone;
        contact.Language = preferences.Language;
        contact.Channels = [.. preferences.NotificationChannels.Select(c => Enum.Parse<DeliveryChannel>(c.ToString()))];
        contact.SourceVersion = version;
    }

    private static async Task ForgetContactAsync(IncomingEvent<CustomerDeleted> e, NotificationDbContext db, CancellationToken cancellationToken)
    {
        var contact = await db.Contacts.FirstOrDefaultAsync(c => c.CustomerId == e.Event.CustomerId, cancellationToken);
        if (contact is null)
        {
            db.Contacts.Add(new CustomerContact
            {
                CustomerId = e.Event.CustomerId,
                Name = "",
                Email = "",
                Language = "en",
                Deleted = true,
                SourceVersion = e.AggregateVersion,
            });
            return;
        }

        // Keep the row as a tombstone (so a late "registered" cannot resurrect it) but drop the personal data.
        contact.Deleted = true;
        contact.Name = "";
        contact.Email = "";
        contact.Phone = null;
        contact.Channels = [];
        contact.SourceVersion = e.AggregateVersion;
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
            // The customer's own events have not arrived yet: fail this delivery so the publisher retries it later.
            throw new InvalidOperationException($"Customer {customerId} is not known to Notification yet.");
        }

        incoming.Services.GetRequiredService<NotificationDispatcher>().Wake();
    }
}
