using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Host.Testing;
using Commerce.Inventory.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Commerce.Testing;
using Commerce.Workflows.OrderSaga;

namespace Commerce.Faults.Tests;

/// <summary>
/// At-least-once delivery at the system level: envelopes the outboxes really sent, posted again to the subscribers'
/// inbox endpoints twice and out of order, must change nothing.
/// </summary>
public sealed class EventRedeliveryTests(FaultSystem system) : IClassFixture<FaultSystem>
{
    [Fact]
    public async Task StockLevelChanged_RedeliveredTwiceAndOlderAfterNewer_ProductKeepsNewestLevel()
    {
        var sku = $"SKU-{Guid.NewGuid():N}"[..20];
        var inventory = system.Api<IInventoryApi>();
        await inventory.ReceiveAsync(sku, new ReceiveStockRequest("WH-1", 10));
        await inventory.ReceiveAsync(sku, new ReceiveStockRequest("WH-1", 5));
        await Poll.UntilAsync(
            async () => await system.Sql.CountAsync("product.stock_levels", "sku = $1 AND source_version = 2", sku) == 1,
            TimeSpan.FromSeconds(30));
        var sent = await EnvelopesAsync("inventory", $"{sku}@WH-1", nameof(StockLevelChanged));

        var outcomes = new List<InboxOutcome>
        {
            await PostAsync("product", sent[1]),
            await PostAsync("product", sent[1]),
            await PostAsync("product", sent[0]),
        };
        // An older version under an id the inbox has never seen (a replayed or re-published event) is stale too.
        outcomes.Add(await PostAsync("product", sent[0] with { Id = Guid.NewGuid() }));

        Assert.Equal([1, 2], sent.Select(e => e.AggregateVersion));
        Assert.Equal([InboxOutcome.Duplicate, InboxOutcome.Duplicate, InboxOutcome.Duplicate, InboxOutcome.Stale], outcomes);
        var level = Assert.Single(await system.Sql.RowsAsync(
            "SELECT available, source_version FROM product.stock_levels WHERE sku = $1 AND warehouse = 'WH-1'", sku));
        Assert.Equal([15, 2], level.Select(Convert.ToInt32));
        Assert.Equal(2, await system.Sql.CountAsync("product.inbox_events", "event_id = ANY($1)", sent.Select(e => e.Id).ToArray()));
    }

    [Fact]
    public async Task OrderAndShipmentEvents_RedeliveredAfterDelivery_NoSecondNotificationAndSagaUnchanged()
    {
        var order = (await system.CreateOrdersAsync(1))[0];
        await system.SubmitAsync(order);
        Assert.Equal(SagaStages.Delivered, (await system.Saga(order).GetResultAsync()).Outcome);
        var orderEvents = await EnvelopesAsync("order", order.ToString(), null);
        // Every first delivery of the order's events is done, so what follows can only be a redelivery.
        await Poll.UntilAsync(
            async () => await system.Sql.CountAsync(
                "\"order\".outbox_messages m LEFT JOIN \"order\".outbox_deliveries d ON d.message_id = m.id",
                "m.aggregate_id = $1 AND (NOT m.fanned_out OR d.status = 0)", order.ToString()) == 0,
            TimeSpan.FromSeconds(30));
        var notificationsBefore = await system.Sql.CountAsync("notification.notifications");
        var delivered = (await EnvelopesAsync("shipping", null, "ShipmentDelivered"))
            .Single(e => e.Payload.GetProperty("orderId").GetGuid() == order);

        var outcomes = new List<InboxOutcome>();
        foreach (var envelope in orderEvents.Where(e => e.Type is "OrderConfirmed" or "OrderShipped" or "OrderDelivered"))
        {
            outcomes.Add(await PostAsync("notification", envelope));
            outcomes.Add(await PostAsync("notification", envelope));
        }

        var relayed = new[] { await PostAsync("checkout", delivered), await PostAsync("checkout", delivered) };

        Assert.Equal(6, outcomes.Count);
        Assert.All(outcomes, outcome => Assert.Equal(InboxOutcome.Duplicate, outcome));
        Assert.All(relayed, outcome => Assert.Equal(InboxOutcome.Processed, outcome));
        Assert.Equal(notificationsBefore, await system.Sql.CountAsync("notification.notifications"));
        var saga = await system.Saga(order).QueryAsync(s => s.GetStatus());
        Assert.Equal(SagaStages.Delivered, saga.Stage);
        Assert.Single(saga.CompletedSteps, step => step.Step == SagaSteps.CompleteOrder);
        Assert.Equal("Delivered", await system.Sql.ScalarAsync<string>("SELECT status FROM \"order\".orders WHERE id = $1", order));
    }

    private async Task<List<EventEnvelope>> EnvelopesAsync(string schema, string? aggregateId, string? type) =>
        [.. (await system.Sql.RowsAsync(
                $"""
                SELECT id, type, aggregate_id, aggregate_version, occurred_at, payload::text FROM "{schema}".outbox_messages
                WHERE ($1 = '' OR aggregate_id = $1) AND ($2 = '' OR type = $2) ORDER BY aggregate_version, occurred_at
                """, aggregateId ?? "", type ?? ""))
            .Select(row => new EventEnvelope(
                (Guid)row[0]!, (string)row[1]!, char.ToUpperInvariant(schema[0]) + schema[1..], (string)row[2]!, (int)row[3]!,
                new DateTimeOffset((DateTime)row[4]!), JsonDocument.Parse((string)row[5]!).RootElement.Clone()))];

    private async Task<InboxOutcome> PostAsync(string subscriber, EventEnvelope envelope)
    {
        using var response = await system.Http.PostEnvelopeAsync(subscriber, envelope);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<InboxResponse>(CommerceJson.Options))!.Outcome;
    }
}
