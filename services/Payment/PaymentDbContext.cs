using Commerce.Payment.Contracts;
using Commerce.Payment.Customers;

namespace Commerce.Payment;

public sealed class PaymentDbContext(DbContextOptions<PaymentDbContext> options) : DbContext(options)
{
    public const string Schema = "payment";

    public DbSet<PaymentMethod> PaymentMethods => Set<PaymentMethod>();

    public DbSet<CardPayment> Payments => Set<CardPayment>();

    public DbSet<PaymentTransaction> Transactions => Set<PaymentTransaction>();

    public DbSet<PaymentCustomer> Customers => Set<PaymentCustomer>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.AddCommerceMessaging();

        modelBuilder.Entity<PaymentMethod>(method =>
        {
            method.ToTable("payment_methods");
            method.HasKey(m => m.Id);
            method.HasIndex(m => m.CustomerId);
            method.Property(m => m.Brand).HasMaxLength(20);
            method.Property(m => m.Last4).HasMaxLength(4).IsFixedLength();
            method.Property(m => m.Version).IsConcurrencyToken();
        });

        modelBuilder.Entity<CardPayment>(payment =>
        {
            payment.ToTable("payments");
            payment.HasKey(p => p.Id);
            payment.HasIndex(p => p.OrderId);
            payment.Property(p => p.Amount).HasPrecision(18, 2);
            payment.Property(p => p.CapturedAmount).HasPrecision(18, 2);
            payment.Property(p => p.RefundedAmount).HasPrecision(18, 2);
            payment.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
            payment.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
            payment.Property(p => p.FailureCode).HasMaxLength(50);
            payment.Property(p => p.GatewayReference).HasMaxLength(100);
            payment.Property(p => p.Version).IsConcurrencyToken();
            payment.HasMany(p => p.Transactions).WithOne().HasForeignKey(t => t.PaymentId);
            payment.Navigation(p => p.Transactions).AutoInclude();
        });

        modelBuilder.Entity<PaymentTransaction>(transaction =>
        {
            transaction.ToTable("payment_transactions");
            transaction.HasKey(t => t.Id);
            transaction.Property(t => t.Kind).HasConversion<string>().HasMaxLength(20);
            transaction.Property(t => t.Amount).HasPrecision(18, 2);
            transaction.Property(t => t.FailureCode).HasMaxLength(50);
            transaction.Property(t => t.IdempotencyKey).HasMaxLength(Limits.IdempotencyKey);
            // The key identifies one operation forever: a repeat finds this row instead of acting again.
            transaction.HasIndex(t => t.IdempotencyKey).IsUnique();
            transaction.Property(t => t.RequestFingerprint).HasMaxLength(200);
            transaction.Property(t => t.GatewayReference).HasMaxLength(100);
            transaction.Ignore(t => t.InProgress);
        });

        modelBuilder.Entity<PaymentCustomer>(customer =>
        {
            customer.ToTable("customers");
            customer.HasKey(c => c.CustomerId);
            customer.Property(c => c.Name).HasMaxLength(200);
            customer.Property(c => c.Email).HasMaxLength(254);
        });

        modelBuilder.AddCacheRefreshTimes();
        modelBuilder.UseSnakeCaseNames();
    }
}

/// <summary>A card kept as the gateway's token (encrypted at rest) plus what may be shown: brand, last four, expiry.</summary>
public sealed class PaymentMethod : IVersionedAggregate
{
    public required Guid Id { get; init; }

    string IVersionedAggregate.AggregateId => Id.ToString();

    public required Guid CustomerId { get; init; }

    public required string Brand { get; init; }

    public required string Last4 { get; init; }

    public required int ExpiryMonth { get; init; }

    public required int ExpiryYear { get; init; }

    /// <summary>The gateway token, AES-GCM encrypted (see <see cref="TokenProtector"/>).</summary>
    public required byte[] EncryptedToken { get; init; }

    public bool Removed { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public int Version { get; set; } = 1;
}

/// <summary>One authorization and what followed it (capture, void, refunds).</summary>
public sealed class CardPayment : IVersionedAggregate
{
    public required Guid Id { get; init; }

    string IVersionedAggregate.AggregateId => Id.ToString();

    public required Guid OrderId { get; init; }

    public required Guid CustomerId { get; init; }

    public required Guid PaymentMethodId { get; init; }

    public required decimal Amount { get; init; }

    public required string Currency { get; init; }

    public required PaymentStatus Status { get; set; }

    public decimal CapturedAmount { get; set; }

    public decimal RefundedAmount { get; set; }

    public string? FailureCode { get; set; }

    /// <summary>The gateway's authorization id, which capture, void and refund refer to.</summary>
    public string? GatewayReference { get; set; }

    public List<PaymentTransaction> Transactions { get; init; } = [];

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public int Version { get; set; } = 1;
}

public sealed class PaymentTransaction
{
    public required Guid Id { get; init; }

    public required Guid PaymentId { get; init; }

    public required TransactionKind Kind { get; init; }

    public required decimal Amount { get; init; }

    /// <summary>False too while the operation is <see cref="InProgress"/>.</summary>
    public required bool Succeeded { get; set; }

    public string? FailureCode { get; set; }

    public required string IdempotencyKey { get; init; }

    /// <summary>What the request asked for, so a key reused for a different request is refused rather than misapplied.</summary>
    public required string RequestFingerprint { get; init; }

    public string? GatewayReference { get; set; }

    /// <summary>When the operation was claimed (capture, void, refund) or answered (authorize).</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>
    /// Set while the operation is claimed and the gateway's answer not yet recorded: until then the request calling
    /// the gateway holds it, after that a retry with the same key may take it over. Null once answered.
    /// </summary>
    public DateTimeOffset? ClaimedUntil { get; set; }

    /// <summary>Claimed, gateway answer not recorded: no other operation on the payment may start.</summary>
    public bool InProgress => ClaimedUntil is not null;
}

internal static class Limits
{
    public const int IdempotencyKey = 200;
    public const int Reason = 500;
}
