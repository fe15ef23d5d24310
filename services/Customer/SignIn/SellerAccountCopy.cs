using Commerce.Seller.Contracts;

namespace Commerce.Customer.SignIn;

/// <summary>
/// Customer's cache of which account manages which seller (from Seller's events, whole state each time): the token
/// server puts the seller's id in that account's access tokens. Kept whatever the seller's status, because Product,
/// not the token, decides what a suspended seller may do.
/// </summary>
public sealed class SellerAccountCopy : ICachedCopy
{
    public required Guid SellerId { get; init; }

    public required Guid AccountId { get; set; }

    public required int SourceVersion { get; set; }

    public required DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// Fills <see cref="SellerAccountCopy"/> from SellerRegistered. The managing account is fixed at registration and a
/// token names the seller whatever its status, so Seller's later events (profile, suspension) would change nothing
/// here: Customer does not subscribe to them.
/// </summary>
internal static class SellerAccountCopies
{
    public static CommerceContextBuilder<CustomerDbContext> HandleSellerEvents(this CommerceContextBuilder<CustomerDbContext> context) => context
        .HandleEvent<SellerRegistered>("Seller", (e, db, ct) => ApplyAsync(db, e.Event.SellerId, e.Event.State, e, ct))
        .KeepCachedCopies<SellerAccountCopy>("sign-in needs it to put the seller in a seller account's token; sellers are never deleted");

    /// <summary>The seller <paramref name="accountId"/> manages, if any (one per account: Seller refuses a second).</summary>
    public static Task<Guid?> SellerOfAsync(this CustomerDbContext db, Guid accountId, CancellationToken cancellationToken) =>
        db.SellerAccounts.AsNoTracking().Where(s => s.AccountId == accountId)
            .OrderBy(s => s.SellerId).Select(s => (Guid?)s.SellerId).FirstOrDefaultAsync(cancellationToken);

    private static Task ApplyAsync<TEvent>(
        CustomerDbContext db, Guid sellerId, SellerState state, IncomingEvent<TEvent> incoming, CancellationToken cancellationToken)
    {
        var now = incoming.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var version = incoming.AggregateVersion;
        return db.ApplyAsync<SellerAccountCopy>(
            s => s.SellerId == sellerId,
            version,
            () => new SellerAccountCopy { SellerId = sellerId, AccountId = state.AccountId, SourceVersion = version, UpdatedAt = now },
            s => s.SetProperty(a => a.AccountId, state.AccountId).SetProperty(a => a.UpdatedAt, now),
            cancellationToken);
    }
}
