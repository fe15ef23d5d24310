using Commerce.Notification.Sending;
using Commerce.ServiceDefaults.Privacy;

namespace Commerce.Notification.Privacy;

/// <summary>
/// What Notification holds about a customer: its cache of their contact, the log of the messages written to them
/// (recipient, rendered subject and body), and, when their account runs a seller, that seller's contact.
/// </summary>
public static class NotificationPersonalData
{
    /// <summary>What an erased message's recipient, subject and body become: the log keeps that a message of a template went out on a channel, and when.</summary>
    public const string Erased = "(erased)";

    public static CommerceContextBuilder<NotificationDbContext> HoldsCustomersPersonalData(this CommerceContextBuilder<NotificationDbContext> context) => context
        .HoldsPersonalData("contact",
            async (db, subject, ct) => await db.Contacts.AsNoTracking().Where(c => c.CustomerId == subject.CustomerId)
                .Select(c => new { c.Name, c.Email, c.Phone, c.Language, c.Channels, c.Deleted }).FirstOrDefaultAsync(ct),
            // As CustomerDeleted forgets it: the copy stays, empty and at its version, so no older event brings it back.
            (db, subject, ct) => db.Contacts.Where(c => c.CustomerId == subject.CustomerId && (c.Name != "" || c.Email != "" || c.Phone != null || !c.Deleted))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Name, "").SetProperty(c => c.Email, "")
                    .SetProperty(c => c.Phone, (string?)null).SetProperty(c => c.Deleted, true), ct))
        .HoldsPersonalData("notifications",
            async (db, subject, ct) => (await db.Notifications.AsNoTracking().Where(n => n.CustomerId == subject.CustomerId)
                .OrderBy(n => n.CreatedAt).ToListAsync(ct)).Select(NotificationEndpoints.ToResponse).ToList(),
            // A message still pending is cancelled by this too: there is nobody left to write to.
            (db, subject, ct) => db.Notifications.Where(n => n.CustomerId == subject.CustomerId && n.Recipient != Erased)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.Recipient, Erased).SetProperty(n => n.Subject, Erased)
                    .SetProperty(n => n.Body, Erased).SetProperty(n => n.LastError, (string?)null), ct))
        .HoldsPersonalData("seller-contacts",
            async (db, subject, ct) => await db.SellerContacts.AsNoTracking().Where(s => s.AccountId == subject.CustomerId)
                .Select(s => new { s.SellerId, s.DisplayName, s.ContactEmail, s.Status }).ToListAsync(ct),
            // The seller's shop name is the business's, shown on its products: only the contact is the person's.
            (db, subject, ct) => db.SellerContacts.Where(s => s.AccountId == subject.CustomerId && s.ContactEmail != "")
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ContactEmail, ""), ct));
}
