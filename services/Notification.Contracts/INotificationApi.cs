namespace Commerce.Notification.Contracts;

/// <summary>Notification's HTTP API. Failures surface as <see cref="ApiException"/> carrying RFC 9457 problem details.</summary>
public interface INotificationApi
{
    [Get("/notifications/templates")]
    Task<IReadOnlyList<TemplateResponse>> ListTemplatesAsync(CancellationToken cancellationToken = default);

    [Get("/notifications/templates/{key}")]
    Task<TemplateResponse> GetTemplateAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a template.</summary>
    [Put("/notifications/templates/{key}")]
    Task<TemplateResponse> PutTemplateAsync(
        string key,
        [Body] TemplateRequest request,
        [Header("If-Match")] string? ifMatch = null,
        CancellationToken cancellationToken = default);

    /// <summary>Queues one notification per channel; they are sent (and retried) in the background.</summary>
    [Post("/notifications")]
    Task<IReadOnlyList<NotificationResponse>> SendAsync([Body] SendNotificationRequest request, CancellationToken cancellationToken = default);

    [Get("/notifications/{id}")]
    Task<NotificationResponse> GetNotificationAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>The delivery log of a customer, newest first.</summary>
    [Get("/notifications")]
    Task<IReadOnlyList<NotificationResponse>> ListNotificationsAsync(Guid customerId, CancellationToken cancellationToken = default);

    [Get("/notifications/channels/sent")]
    Task<IReadOnlyList<SentMessage>> ListSentMessagesAsync(CancellationToken cancellationToken = default);

    /// <summary>Operator/test switch: makes a simulated channel fail every send until switched off.</summary>
    [Post("/notifications/channels/{channel}/failure")]
    Task<ChannelFailureResponse> SetChannelFailureAsync(
        DeliveryChannel channel,
        [Body] ChannelFailureRequest request,
        CancellationToken cancellationToken = default);
}
