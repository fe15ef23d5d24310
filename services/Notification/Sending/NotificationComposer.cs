using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;
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
    private static readonly HtmlEncoder HtmlValues = HtmlEncoder.Create(UnicodeRanges.All);

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
                Subject = Render(template.Subject, values, PlainText),
                Body = Render(template.Body, values, channel == DeliveryChannel.Email ? Html : PlainText),
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
    /// One e-mail to a seller's contact address from the seller contact cache, logged under the account that manages the
    /// seller. Null when the seller is not cached yet (its registration is still on its way).
    /// </summary>
    public async Task<NotificationMessage?> ComposeForSellerAsync(
        Guid sellerId, string templateKey, IReadOnlyDictionary<string, string> data, string idempotencyKey, CancellationToken cancellationToken)
    {
        var contact = await db.SellerContacts.AsNoTracking().FirstOrDefaultAsync(c => c.SellerId == sellerId, cancellationToken);
        if (contact is null)
        {
            return null;
        }

        var template = await db.Templates.AsNoTracking().FirstOrDefaultAsync(t => t.Key == templateKey, cancellationToken)
            ?? throw new InvalidOperationException($"No template {templateKey}.");
        var values = new Dictionary<string, string>(data, StringComparer.OrdinalIgnoreCase) { ["sellerName"] = contact.DisplayName };
        var now = clock.GetUtcNow();
        var message = new NotificationMessage
        {
            Id = Guid.CreateVersion7(),
            CustomerId = contact.AccountId,
            TemplateKey = templateKey,
            Channel = DeliveryChannel.Email,
            Recipient = contact.ContactEmail,
            Subject = Render(template.Subject, values, PlainText),
            Body = Render(template.Body, values, Html),
            IdempotencyKey = idempotencyKey,
            RequestFingerprint = RequestFingerprint(contact.AccountId, templateKey, data, DeliveryChannel.Email),
            CreatedAt = now,
            NextAttemptAt = now,
        };
        db.Notifications.Add(message);
        return message;
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

    /// <summary>
    /// Fills {{name}} placeholders, each value passed through <paramref name="escape"/>; unknown ones render empty. The
    /// template's own text is the operator's and is left as written; only values (a customer's name, a request's data,
    /// an event's reason) come from elsewhere.
    /// </summary>
    internal static string Render(string text, IReadOnlyDictionary<string, string> values, Func<string, string> escape) =>
        Placeholder().Replace(text, match => values.GetValueOrDefault(match.Groups[1].Value) is { } value ? escape(value) : "");

    /// <summary>
    /// A value as one line of plain text, for subjects (an e-mail subject is a header), SMS and push: a line break,
    /// tab or other control character becomes a space and a bidirectional override or isolate is dropped. Shown as
    /// written, a line break in a value starts what reads as a new line from the shop ("...\nYour account is locked,
    /// call ...") and in a header adds a header; an override reverses how the text after it reads. No name, order id
    /// or reason needs either. Everything else is kept: markup characters are harmless where nothing interprets them.
    /// </summary>
    internal static string PlainText(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (IsDirectionControl(c))
            {
                continue;
            }

            text.Append(char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                ? ' '
                : c);
        }

        return text.ToString();
    }

    /// <summary>
    /// A value for an e-mail body, which mail clients render as HTML: one line of plain text (as for every channel),
    /// HTML-encoded so it can add no markup, link or script. Letters of every script stay readable.
    /// </summary>
    internal static string Html(string value) => HtmlValues.Encode(PlainText(value));

    private static bool IsDirectionControl(char c) => c is '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
