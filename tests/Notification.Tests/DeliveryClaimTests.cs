using System.Collections.Concurrent;
using Commerce.Customer.Contracts;
using Commerce.Notification.Channels;
using Commerce.Notification.Contracts;
using Commerce.Notification.Sending;
using Commerce.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Refit;

namespace Commerce.Notification.Tests;

/// <summary>
/// Providers for every channel that count what they send, per message, and crash — with an exception no provider
/// contract announces — on the second message handed to them.
/// </summary>
public sealed class CrashingProviders
{
    private readonly ConcurrentDictionary<Guid, int> sends = new();
    private int calls;

    public IReadOnlyDictionary<Guid, int> Sends => sends;

    public Guid? Crashed { get; private set; }

    public INotificationChannel For(DeliveryChannel channel) => new Provider(channel, this);

    private void Send(NotificationMessage message)
    {
        if (Interlocked.Increment(ref calls) == 2)
        {
            Crashed = message.Id;
            throw new InvalidOperationException("The provider's connection was reset mid-request.");
        }

        sends.AddOrUpdate(message.Id, 1, (_, count) => count + 1);
    }

    private sealed class Provider(DeliveryChannel channel, CrashingProviders providers) : INotificationChannel
    {
        public DeliveryChannel Channel { get; } = channel;

        public Task SendAsync(NotificationMessage message, CancellationToken cancellationToken)
        {
            providers.Send(message);
            return Task.CompletedTask;
        }
    }
}

public sealed class CrashingProvidersFixture : NotificationFixture
{
    public CrashingProviders Providers { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Notification:Delivery:PollInterval"] = "00:00:00.050",
        ["Notification:Delivery:RetryBaseDelay"] = "00:00:00.020",
    };

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.RemoveAll<INotificationChannel>();
        foreach (var channel in Enum.GetValues<DeliveryChannel>())
        {
            services.AddSingleton(Providers.For(channel));
        }
    }
}

/// <summary>Each message is claimed and committed on its own before its provider is called, so one failure undoes no other send.</summary>
public sealed class DeliveryClaimTests(CrashingProvidersFixture fixture) : IClassFixture<CrashingProvidersFixture>
{
    private readonly INotificationApi api = RestService.For<INotificationApi>(
        fixture.Client, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    [Fact]
    public async Task ProviderCrashesMidBatch_EveryMessageIsSentExactlyOnce_TheCrashedOneByItsRetry()
    {
        var customerId = Guid.NewGuid();
        await fixture.Client.DeliverAsync("notification", TestSupport.Envelope("Customer", customerId.ToString(), 1,
            new CustomerRegistered(customerId, "Jo", "jo@example.com", "+15550000009", MembershipLevel.Standard,
                new CustomerPreferences("en", "USD", [NotificationChannel.Email, NotificationChannel.Sms, NotificationChannel.Push]))));
        var dispatcher = fixture.App.Services.GetRequiredService<NotificationDispatcher>();
        using var attempted = new SemaphoreSlim(0);
        void OnAttempted(Guid id, DeliveryStatus status) => attempted.Release();
        dispatcher.Attempted += OnAttempted;
        IReadOnlyList<NotificationResponse> log;
        try
        {
            // One request, three channels: three messages committed together, so one pass claims them as one batch.
            var queued = await api.SendAsync(new SendNotificationRequest(customerId, TemplateKeys.OrderConfirmed,
                new Dictionary<string, string> { ["orderId"] = "o-7" }));
            Assert.Equal(3, queued.Count);
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (true)
            {
                log = await api.ListNotificationsAsync(customerId);
                if (log.All(n => n.Status == DeliveryStatus.Sent))
                {
                    break;
                }

                var remaining = deadline - DateTime.UtcNow;
                Assert.True(remaining > TimeSpan.Zero, $"Not all sent: {string.Join(", ", log.Select(n => $"{n.Channel} {n.Status} {n.Attempts}"))}");
                await attempted.WaitAsync(remaining);
            }
        }
        finally
        {
            dispatcher.Attempted -= OnAttempted;
        }

        Assert.NotNull(fixture.Providers.Crashed);
        Assert.All(log, n => Assert.Equal(1, fixture.Providers.Sends.GetValueOrDefault(n.Id)));
        Assert.All(log.Where(n => n.Id != fixture.Providers.Crashed), n => Assert.Equal(1, n.Attempts));
        Assert.Equal(2, Assert.Single(log, n => n.Id == fixture.Providers.Crashed).Attempts);
        foreach (var notification in log)
        {
            Assert.Equal(nameof(NotificationSent), Assert.Single(await fixture.Sql.EventsAsync("notification", notification.Id)).Type);
        }
    }
}
