namespace Commerce.Notification.Contracts;

// Event payloads; the envelope carries event id, type, aggregate id (= notification id), aggregate version and occurred-at.

public sealed record NotificationSent(Guid NotificationId, Guid CustomerId, string TemplateKey, DeliveryChannel Channel, int Attempts);

/// <summary>Raised once, when the last retry has failed.</summary>
public sealed record NotificationFailed(Guid NotificationId, Guid CustomerId, string TemplateKey, DeliveryChannel Channel, int Attempts, string Error);

/// <summary>A template was created or edited (version = the template's version).</summary>
public sealed record NotificationTemplateChanged(string Key, string Subject, string Body);
