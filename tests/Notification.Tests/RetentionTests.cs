using Commerce.Customer.Contracts;
using Commerce.ServiceDefaults.Messaging;
using Commerce.ServiceDefaults.Retention;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Commerce.Notification.Tests;

/// <summary>
/// The retention sweeper on Notification's schema (the shared mechanism every context runs): rows whose work is
/// done and that are older than their retention go; undelivered, dead-lettered and unfinished ones stay; and an
/// event redelivered after its inbox id is gone is refused, not applied again.
/// </summary>
public sealed class RetentionTests(NotificationFixture fixture) : IClassFixture<NotificationFixture>
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private RetentionSweeper Sweeper => fixture.App.Services.GetServices<IHostedService>()
        .OfType<RetentionSweeper>().Single(s => s.Context.Name == NotificationContext.Name);

    [Fact]
    public async Task OldDeliveredEvents_Go_WithTheirDeliveries_UndeliveredAndDeadLetteredStay()
    {
        var oldDelivered = await OutboxMessageAsync(Now.AddDays(-8), OutboxDeliveryStatus.Delivered, OutboxDeliveryStatus.Delivered);
        var oldWithoutSubscribers = await OutboxMessageAsync(Now.AddDays(-8));
        var oldPending = await OutboxMessageAsync(Now.AddDays(-8), OutboxDeliveryStatus.Delivered, OutboxDeliveryStatus.Pending);
        var oldDeadLettered = await OutboxMessageAsync(Now.AddDays(-8), OutboxDeliveryStatus.DeadLettered);
        var recentDelivered = await OutboxMessageAsync(Now.AddDays(-6), OutboxDeliveryStatus.Delivered);

        await Sweeper.SweepOnceAsync(CancellationToken.None);

        Assert.Equal(0, await fixture.Sql.CountAsync("notification.outbox_messages", "id = ANY($1)", new[] { oldDelivered, oldWithoutSubscribers }));
        Assert.Equal(0, await fixture.Sql.CountAsync("notification.outbox_deliveries", "message_id = $1", oldDelivered));
        Assert.Equal(3, await fixture.Sql.CountAsync("notification.outbox_messages", "id = ANY($1)", new[] { oldPending, oldDeadLettered, recentDelivered }));
        Assert.Equal(4, await fixture.Sql.CountAsync("notification.outbox_deliveries", "message_id = ANY($1)", new[] { oldPending, oldDeadLettered, recentDelivered }));
    }

    [Fact]
    public async Task InboxIds_AreKept_ForTheProcessedEventsAgePlusTheClockAllowance()
    {
        var options = new RetentionOptions();
        var beyond = await InboxEventAsync(Now - options.ProcessedEventIds - TimeSpan.FromMinutes(5));
        var within = await InboxEventAsync(Now - options.ProcessedEvents - TimeSpan.FromHours(12));

        await Sweeper.SweepOnceAsync(CancellationToken.None);

        Assert.Equal(0, await fixture.Sql.CountAsync("notification.inbox_events", "event_id = $1", beyond));
        Assert.Equal(1, await fixture.Sql.CountAsync("notification.inbox_events", "event_id = $1", within));
    }

    [Fact]
    public async Task AnEventRedeliveredAfterItsIdIsPurged_IsRefused_NotAppliedAgain()
    {
        var customerId = Guid.NewGuid();
        var occurredAt = Now - new RetentionOptions().ProcessedEventIds - TimeSpan.FromHours(1);
        var registration = new CustomerRegistered(customerId, "Ada", "ada@example.com", null, MembershipLevel.Standard,
            new CustomerPreferences("en", "USD", [NotificationChannel.Email]));
        var registered = TestSupport.Envelope("Customer", customerId.ToString(), 1, registration) with { OccurredAt = occurredAt };
        // Processed back then (its id in the inbox, its effect in the table), then forgotten by the sweeper.
        await InboxEventAsync(occurredAt, registered.Id);
        await Sweeper.SweepOnceAsync(CancellationToken.None);
        Assert.Equal(0, await fixture.Sql.CountAsync("notification.inbox_events", "event_id = $1", registered.Id));

        Assert.Equal(InboxOutcome.Expired, await fixture.Client.DeliverAsync("notification", registered));

        Assert.Equal(0, await fixture.Sql.CountAsync("notification.inbox_events", "event_id = $1", registered.Id));
        Assert.Equal(0, await fixture.Sql.CountAsync("notification.customer_contacts", "customer_id = $1", customerId));
    }

    [Fact]
    public async Task FinishedNotifications_GoAfterTheirRetention_PendingOnesStay()
    {
        var oldSent = await NotificationAsync(Now.AddDays(-91), "Sent");
        var oldFailed = await NotificationAsync(Now.AddDays(-91), "Failed");
        var oldPending = await NotificationAsync(Now.AddDays(-91), "Pending");
        var recentSent = await NotificationAsync(Now.AddDays(-89), "Sent");

        var sweep = await Sweeper.SweepOnceAsync(CancellationToken.None);

        Assert.Contains(NotificationContext.SentNotificationsRecords, sweep.Records.Keys);
        Assert.Equal(0, await fixture.Sql.CountAsync("notification.notifications", "id = ANY($1)", new[] { oldSent, oldFailed }));
        Assert.Equal(2, await fixture.Sql.CountAsync("notification.notifications", "id = ANY($1)", new[] { oldPending, recentSent }));
    }

    private async Task<Guid> OutboxMessageAsync(DateTimeOffset occurredAt, params OutboxDeliveryStatus[] deliveries)
    {
        var id = Guid.NewGuid();
        await fixture.Sql.ScalarAsync<int>(
            """
            INSERT INTO notification.outbox_messages (id, type, aggregate_id, aggregate_version, occurred_at, payload, fanned_out)
            VALUES ($1, 'NotificationSent', $2, 1, $3, '{}', true) RETURNING 1
            """, id, id.ToString(), occurredAt);
        for (var i = 0; i < deliveries.Length; i++)
        {
            await fixture.Sql.ScalarAsync<int>(
                """
                INSERT INTO notification.outbox_deliveries (id, message_id, subscriber, status, attempts, next_attempt_at)
                VALUES ($1, $2, $3, $4, 1, $5) RETURNING 1
                """, Guid.NewGuid(), id, $"subscriber-{i}", (int)deliveries[i], occurredAt);
        }

        return id;
    }

    private async Task<Guid> InboxEventAsync(DateTimeOffset processedAt, Guid? eventId = null)
    {
        var id = eventId ?? Guid.NewGuid();
        await fixture.Sql.ScalarAsync<int>(
            """
            INSERT INTO notification.inbox_events (event_id, source, type, outcome, processed_at)
            VALUES ($1, 'Customer', 'CustomerRegistered', 'Processed', $2) RETURNING 1
            """, id, processedAt);
        return id;
    }

    private async Task<Guid> NotificationAsync(DateTimeOffset createdAt, string status)
    {
        var id = Guid.NewGuid();
        await fixture.Sql.ScalarAsync<int>(
            """
            INSERT INTO notification.notifications
                (id, customer_id, template_key, channel, recipient, subject, body, status, attempts, idempotency_key, created_at, version)
            VALUES ($1, $2, 'order-confirmed', 'Email', 'ada@example.com', 'Subject', 'Body', $3, 1, $4, $5, 1) RETURNING 1
            """, id, Guid.NewGuid(), status, id.ToString(), createdAt);
        return id;
    }
}
