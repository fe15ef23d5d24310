using Commerce.Customer.Contracts;
using Commerce.Customer.Purchases;
using Commerce.Customer.SignIn;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace Commerce.Customer;

/// <summary>
/// Customer's data: profiles and addresses, and the credentials it owns — customers' passwords (ASP.NET Core
/// Identity's tables) and the token server's clients and tokens (OpenIddict's).
/// </summary>
public sealed class CustomerDbContext(DbContextOptions<CustomerDbContext> options)
    : IdentityUserContext<CustomerCredential, Guid>(options)
{
    public const string Schema = "customer";

    public DbSet<CustomerProfile> Customers => Set<CustomerProfile>();

    public DbSet<SellerAccountCopy> SellerAccounts => Set<SellerAccountCopy>();

    public DbSet<SavedCardCopy> SavedCards => Set<SavedCardCopy>();

    public DbSet<PaymentAmountCopy> PaymentAmounts => Set<PaymentAmountCopy>();

    public DbSet<CouponUseCopy> CouponUses => Set<CouponUseCopy>();

    public DbSet<DataRequests.DataRequest> DataRequests => Set<DataRequests.DataRequest>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.AddCommerceMessaging();
        modelBuilder.Entity<CustomerCredential>().ToTable("credentials");
        modelBuilder.Entity<Microsoft.AspNetCore.Identity.IdentityUserClaim<Guid>>().ToTable("credential_claims");
        modelBuilder.Entity<Microsoft.AspNetCore.Identity.IdentityUserLogin<Guid>>().ToTable("credential_logins");
        modelBuilder.Entity<Microsoft.AspNetCore.Identity.IdentityUserToken<Guid>>().ToTable("credential_tokens");
        modelBuilder.UseOpenIddict<Guid>();

        modelBuilder.Entity<CustomerProfile>(customer =>
        {
            customer.ToTable("customers");
            customer.HasKey(c => c.Id);
            customer.Property(c => c.Name).HasMaxLength(Limits.Name);
            customer.Property(c => c.Email).HasMaxLength(Limits.Email);
            customer.Property(c => c.NormalizedEmail).HasMaxLength(Limits.Email);
            // One live account per e-mail address; a deleted customer's address may register again.
            customer.HasIndex(c => c.NormalizedEmail).IsUnique().HasFilter("status <> 'Deleted'");
            customer.Property(c => c.Phone).HasMaxLength(Limits.Phone);
            customer.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
            customer.Property(c => c.Membership).HasConversion<string>().HasMaxLength(20);
            customer.Property(c => c.Language).HasMaxLength(Limits.Language);
            customer.Property(c => c.Currency).HasMaxLength(3).IsFixedLength();
            customer.Property(c => c.SuspensionReason).HasMaxLength(Limits.Reason);
            customer.Property(c => c.Version).IsConcurrencyToken();
            customer.HasMany(c => c.Addresses).WithOne().HasForeignKey(a => a.CustomerId).OnDelete(DeleteBehavior.Cascade);
            customer.Navigation(c => c.Addresses).AutoInclude();
        });

        modelBuilder.Entity<CustomerAddress>(address =>
        {
            address.ToTable("addresses");
            address.HasKey(a => a.Id);
            address.Property(a => a.Kind).HasConversion<string>().HasMaxLength(20);
            address.Property(a => a.Recipient).HasMaxLength(Limits.Name);
            address.Property(a => a.Line1).HasMaxLength(Limits.AddressLine);
            address.Property(a => a.Line2).HasMaxLength(Limits.AddressLine);
            address.Property(a => a.City).HasMaxLength(Limits.City);
            address.Property(a => a.Region).HasMaxLength(Limits.City);
            address.Property(a => a.PostalCode).HasMaxLength(Limits.PostalCode);
            address.Property(a => a.Country).HasMaxLength(2).IsFixedLength();
        });

        modelBuilder.Entity<SellerAccountCopy>(seller =>
        {
            seller.ToTable("seller_accounts");
            seller.HasKey(s => s.SellerId);
            // The token endpoint looks the seller up by account at every sign-in and refresh.
            seller.HasIndex(s => s.AccountId);
        });

        modelBuilder.Entity<SavedCardCopy>(card =>
        {
            card.ToTable("saved_cards");
            card.HasKey(c => c.PaymentMethodId);
            card.HasIndex(c => c.CustomerId);
            card.Property(c => c.Brand).HasMaxLength(20);
            card.Property(c => c.Last4).HasMaxLength(4);
        });

        modelBuilder.Entity<PaymentAmountCopy>(amount =>
        {
            amount.ToTable("payment_amounts");
            amount.HasKey(a => new { a.PaymentId, a.Kind });
            amount.HasIndex(a => a.CustomerId);
            amount.Property(a => a.Kind).HasConversion<string>().HasMaxLength(20);
            amount.Property(a => a.Amount).HasPrecision(18, 2);
            amount.Property(a => a.Currency).HasMaxLength(3).IsFixedLength();
        });

        modelBuilder.Entity<CouponUseCopy>(coupon =>
        {
            coupon.ToTable("coupon_uses");
            coupon.HasKey(c => c.RedemptionId);
            coupon.HasIndex(c => c.CustomerId);
            coupon.Property(c => c.RedemptionId).HasMaxLength(200);
            coupon.Property(c => c.Code).HasMaxLength(100);
        });

        modelBuilder.Entity<DataRequests.DataRequest>(request =>
        {
            request.ToTable("data_requests");
            request.HasKey(r => r.Id);
            request.HasIndex(r => r.CustomerId);
            request.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
            request.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
            request.Property(r => r.Document).HasColumnType("jsonb");
            request.Property(r => r.Erased).HasColumnType("jsonb");
        });

        modelBuilder.AddCacheRefreshTimes();
        modelBuilder.UseSnakeCaseNames();
    }
}

/// <summary>A customer aggregate: profile, preferences, membership and addresses change its <see cref="Version"/>.</summary>
public sealed class CustomerProfile : IVersionedAggregate
{
    public required Guid Id { get; init; }

    string IVersionedAggregate.AggregateId => Id.ToString();

    public required string Name { get; set; }

    public required string Email { get; set; }

    /// <summary>Lower-cased <see cref="Email"/>, for uniqueness.</summary>
    public required string NormalizedEmail { get; set; }

    public string? Phone { get; set; }

    public CustomerStatus Status { get; set; } = CustomerStatus.Active;

    public MembershipLevel Membership { get; set; } = MembershipLevel.Standard;

    public required string Language { get; set; }

    public required string Currency { get; set; }

    public List<string> NotificationChannels { get; set; } = [];

    public string? SuspensionReason { get; set; }

    public List<CustomerAddress> Addresses { get; init; } = [];

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }

    public int Version { get; set; } = 1;
}

public sealed class CustomerAddress
{
    public required Guid Id { get; init; }

    public required Guid CustomerId { get; init; }

    public required AddressKind Kind { get; init; }

    public required string Recipient { get; init; }

    public required string Line1 { get; init; }

    public string? Line2 { get; init; }

    public required string City { get; init; }

    public string? Region { get; init; }

    public required string PostalCode { get; init; }

    public required string Country { get; init; }

    public bool IsDefault { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }
}

internal static class Limits
{
    public const int Name = 200;
    public const int Email = 254;
    public const int Phone = 20;
    public const int Language = 35;
    public const int Reason = 500;
    public const int AddressLine = 200;
    public const int City = 100;
    public const int PostalCode = 20;
    public const int AddressesPerCustomer = RegisterCustomerRequest.MaxAddresses;
    public const int ListPage = 100;
    public const int ListPageMax = 1000;
    public const int PasswordMin = 10;
    public const int PasswordMax = 128;
}
