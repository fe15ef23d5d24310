using Commerce.Customer.Contracts;

namespace Commerce.Promotion.Customers;

/// <summary>Customer's membership levels, cached for MinimumMembership (customer version order: last writer wins).</summary>
internal static class CustomerTiers
{
    public static Task RegisteredAsync(IncomingEvent<CustomerRegistered> incoming, PromotionDbContext db, CancellationToken cancellationToken) =>
        ApplyAsync(db, incoming.Event.CustomerId, incoming.Event.Membership, incoming.AggregateVersion, incoming.Services, cancellationToken);

    public static Task UpgradedAsync(IncomingEvent<CustomerMembershipUpgraded> incoming, PromotionDbContext db, CancellationToken cancellationToken) =>
        ApplyAsync(db, incoming.Event.CustomerId, incoming.Event.To, incoming.AggregateVersion, incoming.Services, cancellationToken);

    private static Task ApplyAsync(
        PromotionDbContext db, Guid customerId, MembershipLevel level, int version, IServiceProvider services, CancellationToken cancellationToken)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var membership = level.ToString();
        return db.ApplyAsync<CustomerTier>(
            t => t.CustomerId == customerId,
            version,
            () => new CustomerTier { CustomerId = customerId, Membership = membership, SourceVersion = version, UpdatedAt = now },
            s => s.SetProperty(t => t.Membership, membership).SetProperty(t => t.UpdatedAt, now),
            cancellationToken);
    }
}
