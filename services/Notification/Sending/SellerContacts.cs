using Commerce.Seller.Contracts;

namespace Commerce.Notification.Sending;

/// <summary>
/// The seller contact cache, fed by Seller's events: each carries the seller's whole shared state, applied by the
/// seller's version (<see cref="CachedCopies.ApplyAsync{TCopy}"/>), so the order they arrive in does not matter.
/// </summary>
internal static class SellerContacts
{
    public static Task<bool> ApplyAsync(NotificationDbContext db, Guid sellerId, int version, SellerState state, CancellationToken cancellationToken)
    {
        var status = state.Status.ToString();
        return db.ApplyAsync<SellerContact>(
            c => c.SellerId == sellerId,
            version,
            () => new SellerContact
            {
                SellerId = sellerId,
                AccountId = state.AccountId,
                DisplayName = state.DisplayName,
                ContactEmail = state.ContactEmail,
                Status = status,
                SourceVersion = version,
            },
            s => s.SetProperty(c => c.AccountId, state.AccountId)
                .SetProperty(c => c.DisplayName, state.DisplayName)
                .SetProperty(c => c.ContactEmail, state.ContactEmail)
                .SetProperty(c => c.Status, status),
            cancellationToken);
    }
}
