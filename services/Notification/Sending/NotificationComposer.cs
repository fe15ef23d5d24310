using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Commerce.Notification.Contracts;

namespace Commerce.Notification.Sending;

public enum ComposeOutcome
{
    Queued,
    UnknownCustomer,
    UnknownTemplate,
    CustomerDeleted,
}

/// <summary>
/// Turns "send template T to customer C" into one pending notification per channel the customer accepts,
/// addressed from the contact cache (filled from Customer's API for a customer it has not seen). Adds to the
/// DbContext without saving.
/// </summary>
public sealed partial class NotificationComposer(NotificationDbContext db, IServiceProvider services, TimeProvider clock)
{
    public async Task<(ComposeOutcome Outcome, List<NotificationMessage> Queued)> ComposeAsync(
        Guid customerId,
        string templateKey,
        IReadOnlyDictionary<string, string> data,
        DeliveryChannel? only,
        string idempotencyKey,
        CancellationToken cancellationToken)
    {
        var contact = await CustomerContacts.FindOrFetchAsync(db, services, customerId, cancellationToken);
        if (contact is null)
        {
            return (ComposeOutcome.UnknownCustomer, []);
        }

        if (contact.Deleted)
        {
            return (ComposeOutcome.CustomerDeleted, []);
        }

        var template = await db.Templates.AsNoTracking().FirstOrDefaultAsync(t => t.Key == templateKey, cancellationToken);
        if (template is null)
        {
            return (ComposeOutcome.UnknownTemplate, []);
        }

        var values = new Dictionary<string, string>(data, StringComparer.OrdinalIgnoreCase) { ["customerName"] = contact.Name };
        var fingerprint = RequestFingerprint(customerId, templateKey, data, only);
        var now = clock.GetUtcNow();
        var queued = new List<NotificationMessage>();
        foreach (var channel in contact.Channels.Where(c => only is null || c == only))
        {
            var recipient = channel switch
            {
                DeliveryChannel.Email => contact.Email,
                DeliveryChannel.Sms => contact.Phone,
                DeliveryChannel.Push => contact.CustomerId.ToString(),
                _ => null,
            };
            if (recipient is null)
            {
                continue;
            }

            var message = new NotificationMessage
            {
                Id = Guid.CreateVersion7(),
                CustomerId = customerId,
                TemplateKey = templateKey,
                Channel = channel,
                Recipient = recipient,
                Subject = Render(template.Subject, values),
                Body = Render(template.Body, values),
                IdempotencyKey = idempotencyKey,
                RequestFingerprint = fingerprint,
                CreatedAt = now,
                NextAttemptAt = now,
            };
            db.Notifications.Add(message);
            queued.Add(message);
        }

        return (ComposeOutcome.Queued, queued);
    }

    /// <summary>
    /// Everything that decides what a request queues, in one unambiguous form (a JSON array; values in key order, so
    /// the order a client wrote them in does not count), hashed.
    /// </summary>
    internal static string RequestFingerprint(Guid customerId, string templateKey, IReadOnlyDictionary<string, string> data, DeliveryChannel? only)
    {
        string[][] parts =
        [
            [customerId.ToString(), templateKey, only?.ToString() ?? ""],
            .. data.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => new[] { d.Key, d.Value }),
        ];
        return Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(parts)));
    }

    /// <summary>Fills {{name}} placeholders; unknown ones render empty.</summary>
    internal static string Render(string text, IReadOnlyDictionary<string, string> values) =>
        Placeholder().Replace(text, match => values.GetValueOrDefault(match.Groups[1].Value) ?? "");

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
