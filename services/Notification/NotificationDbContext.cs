using Commerce.Notification.Contracts;
using Commerce.Notification.Sending;
using Commerce.Notification.Templates;

namespace Commerce.Notification;

public sealed class NotificationDbContext(DbContextOptions<NotificationDbContext> options) : DbContext(options)
{
    public const string Schema = "notification";

    public DbSet<MessageTemplate> Templates => Set<MessageTemplate>();

    public DbSet<CustomerContact> Contacts => Set<CustomerContact>();

    public DbSet<NotificationMessage> Notifications => Set<NotificationMessage>();

    public DbSet<SellerContact> SellerContacts => Set<SellerContact>();

    public DbSet<OrderRecipient> OrderRecipients => Set<OrderRecipient>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.AddCommerceMessaging();

        modelBuilder.Entity<MessageTemplate>(template =>
        {
            template.ToTable("templates");
            template.HasKey(t => t.Key);
            template.Property(t => t.Key).HasMaxLength(Limits.TemplateKey);
            template.Property(t => t.Subject).HasMaxLength(Limits.Subject);
            template.Property(t => t.Body).HasMaxLength(Limits.Body);
            template.Property(t => t.Version).IsConcurrencyToken();
            template.HasData(DefaultTemplates.All);
        });

        modelBuilder.Entity<CustomerContact>(contact =>
        {
            contact.ToTable("customer_contacts");
            contact.HasKey(c => c.CustomerId);
            contact.Property(c => c.Name).HasMaxLength(200);
            contact.Property(c => c.Email).HasMaxLength(254);
            contact.Property(c => c.Phone).HasMaxLength(20);
            contact.Property(c => c.Language).HasMaxLength(35);
        });

        modelBuilder.Entity<SellerContact>(contact =>
        {
            contact.ToTable("seller_contacts");
            contact.HasKey(c => c.SellerId);
            contact.Property(c => c.DisplayName).HasMaxLength(100);
            contact.Property(c => c.ContactEmail).HasMaxLength(254);
            contact.Property(c => c.Status).HasMaxLength(20);
        });

        modelBuilder.Entity<OrderRecipient>(recipient =>
        {
            recipient.ToTable("order_recipients");
            recipient.HasKey(r => r.OrderId);
        });

        modelBuilder.Entity<NotificationMessage>(notification =>
        {
            notification.ToTable("notifications");
            notification.HasKey(n => n.Id);
            notification.HasIndex(n => n.CustomerId);
            notification.Property(n => n.TemplateKey).HasMaxLength(Limits.TemplateKey);
            notification.Property(n => n.Channel).HasConversion<string>().HasMaxLength(10);
            notification.Property(n => n.Recipient).HasMaxLength(254);
            notification.Property(n => n.Subject).HasMaxLength(Limits.Subject);
            notification.Property(n => n.Body).HasMaxLength(Limits.Body * 2);
            notification.Property(n => n.Status).HasConversion<string>().HasMaxLength(10);
            notification.Property(n => n.LastError).HasMaxLength(Limits.LastError);
            notification.Property(n => n.IdempotencyKey).HasMaxLength(Limits.IdempotencyKey);
            notification.Property(n => n.RequestFingerprint).HasMaxLength(64).IsFixedLength();
            // One notification per request (or triggering event) and channel.
            notification.HasIndex(n => new { n.IdempotencyKey, n.Channel }).IsUnique();
            notification.HasIndex(n => n.NextAttemptAt).HasFilter("status = 'Pending'");
            // The retention sweeper deletes the oldest finished messages first.
            notification.HasIndex(n => n.CreatedAt);
            notification.Property(n => n.Version).IsConcurrencyToken();
        });

        modelBuilder.AddCacheRefreshTimes();
        modelBuilder.UseSnakeCaseNames();
    }
}

public sealed class MessageTemplate : IVersionedAggregate
{
    public required string Key { get; init; }

    string IVersionedAggregate.AggregateId => Key;

    public required string Subject { get; set; }

    public required string Body { get; set; }

    public int Version { get; set; } = 1;
}

/// <summary>
/// Notification's cache of how to reach a customer and on which channels they accept messages, fed by Customer's
/// events and API (see <see cref="Sending.CustomerContacts"/>). <see cref="SourceVersion"/> is the customer version it reflects.
/// </summary>
public sealed class CustomerContact : ICachedCopy
{
    public required Guid CustomerId { get; init; }

    public required string Name { get; set; }

    public required string Email { get; set; }

    public string? Phone { get; set; }

    public required string Language { get; set; }

    public List<DeliveryChannel> Channels { get; set; } = [];

    public bool Deleted { get; set; }

    public required int SourceVersion { get; set; }
}

/// <summary>
/// How to reach a seller (Seller's events carry its whole shared state; <see cref="SourceVersion"/> is the seller's
/// version). Messages to a seller go by e-mail to its contact address, logged under its managing account.
/// </summary>
public sealed class SellerContact : ICachedCopy
{
    public required Guid SellerId { get; init; }

    public required Guid AccountId { get; set; }

    public required string DisplayName { get; set; }

    public required string ContactEmail { get; set; }

    public required string Status { get; set; }

    public required int SourceVersion { get; set; }
}

/// <summary>One message on one channel, with its delivery state (the delivery log).</summary>
public sealed class NotificationMessage
{
    public required Guid Id { get; init; }

    public required Guid CustomerId { get; init; }

    public required string TemplateKey { get; init; }

    public required DeliveryChannel Channel { get; init; }

    public required string Recipient { get; init; }

    public required string Subject { get; init; }

    public required string Body { get; init; }

    public DeliveryStatus Status { get; set; } = DeliveryStatus.Pending;

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    public required string IdempotencyKey { get; init; }

    /// <summary>
    /// What the request that queued it asked for (SHA-256, hex, of customer, template, values and channel), so the
    /// key sent again with another request is refused rather than answered with this message. Null on messages
    /// queued before it was kept.
    /// </summary>
    public string? RequestFingerprint { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? NextAttemptAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public int Version { get; set; } = 1;
}

internal static class Limits
{
    public const int TemplateKey = 100;
    public const int Subject = 200;
    public const int Body = 4000;
    public const int IdempotencyKey = 200;
    public const int LastError = 500;
    public const int DataEntries = SendNotificationRequest.MaxDataEntries;
    public const int DataValue = 1000;
}
