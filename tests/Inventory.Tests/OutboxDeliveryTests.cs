using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Host.Testing;
using Commerce.Inventory.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Commerce.ServiceDefaults.Security;
using Commerce.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Commerce.Inventory.Tests;

/// <summary>A subscriber in another process (a second Kestrel server) whose answers the test controls.</summary>
public sealed class StubSubscriber : IAsyncDisposable
{
    private readonly WebApplication app;

    private StubSubscriber(WebApplication app) => this.app = app;

    /// <summary>Every POST received: arrival time and envelope.</summary>
    public ConcurrentQueue<(DateTimeOffset At, EventEnvelope Envelope)> Received { get; } = new();

    /// <summary>Status to answer with; 500 makes the publisher retry.</summary>
    public HttpStatusCode Answer { get; set; } = HttpStatusCode.InternalServerError;

    /// <summary>Completed with the envelope of the first successful delivery.</summary>
    public TaskCompletionSource<EventEnvelope> Delivered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed when this many requests have arrived.</summary>
    public TaskCompletionSource ReachedAttempts { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int AttemptsToSignal { get; set; } = int.MaxValue;

    public string Url => app.Urls.First();

    public static async Task<StubSubscriber> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var stub = new StubSubscriber(app);
        app.MapPost("/events/flaky", (EventEnvelope envelope) =>
        {
            stub.Received.Enqueue((DateTimeOffset.UtcNow, envelope));
            if (stub.Received.Count >= stub.AttemptsToSignal)
            {
                stub.ReachedAttempts.TrySetResult();
            }

            if (stub.Answer == HttpStatusCode.OK)
            {
                stub.Delivered.TrySetResult(envelope);
            }

            return Results.StatusCode((int)stub.Answer);
        });
        await app.StartAsync();
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

public sealed class OutboxDeliveryTests : IAsyncLifetime
{
    private static readonly TimeSpan RetryBase = TimeSpan.FromMilliseconds(150);
    private readonly PostgresDatabase<CommerceTemplate> database = new();
    private StubSubscriber stub = null!;
    private CommerceHostFactory host = null!;
    private HttpClient client = null!;
    private Sql sql = null!;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        stub = await StubSubscriber.StartAsync();
        host = new CommerceHostFactory(database.ConnectionString, "Inventory,Order", new Dictionary<string, string?>
        {
            ["Commerce:Outbox:RetryBaseDelay"] = RetryBase.ToString(),
            ["Commerce:Outbox:MaxAttempts"] = "3",
            // A remote subscriber, configured; and Order, co-hosted, reached at this host's own address.
            ["Commerce:Outbox:Subscriptions:Flaky:Inventory:0"] = nameof(InventoryReserved),
            ["Services:Flaky:BaseUrl"] = stub.Url,
            ["Commerce:Outbox:Subscriptions:Order:Inventory:0"] = nameof(InventoryReserved),
        }).Start();
        client = await host.ClientAsAsync(Clients.Operator);
        sql = new Sql(database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await stub.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task FailingSubscriber_IsRetriedWithBackoff_ThenDeadLettered_AndReplayDelivers()
    {
        stub.AttemptsToSignal = 3;
        var key = await ReserveSomethingAsync();

        await stub.ReachedAttempts.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var deadLetters = await Poll.UntilAsync(async () =>
            (await client.GetFromJsonAsync<List<DeadLetterResponse>>("/ops/inventory/dead-letters", CommerceJson.Options))!, d => d.Count == 1);

        var attempts = stub.Received.Select(r => r.At).ToList();
        Assert.Equal(3, attempts.Count);
        // Backoff doubles per attempt with ±20% jitter: the gaps are at least 0.8× base and 0.8× 2·base.
        Assert.True(attempts[1] - attempts[0] >= RetryBase * 0.8, $"first gap {attempts[1] - attempts[0]}");
        Assert.True(attempts[2] - attempts[1] >= RetryBase * 1.6, $"second gap {attempts[2] - attempts[1]}");
        var deadLetter = deadLetters.Single();
        Assert.Equal(("Flaky", nameof(InventoryReserved), key, 3), (deadLetter.Subscriber, deadLetter.EventType, deadLetter.AggregateId, deadLetter.Attempts));
        Assert.Contains("500", deadLetter.LastError, StringComparison.Ordinal);

        stub.Answer = HttpStatusCode.OK;
        var replay = await client.PostAsync($"/ops/inventory/dead-letters/{deadLetter.DeliveryId}/replay", null);
        var delivered = await stub.Delivered.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal(deadLetter.EventId, delivered.Id);
        Assert.Equal(key, delivered.Payload.GetProperty("key").GetString());
        await Poll.UntilAsync(() => sql.CountAsync("inventory.outbox_deliveries", "subscriber = 'Flaky' AND status = 1"), n => n == 1);
        Assert.Empty((await client.GetFromJsonAsync<List<DeadLetterResponse>>("/ops/inventory/dead-letters", CommerceJson.Options))!);
        Assert.Equal(HttpStatusCode.NotFound,
            (await client.PostAsync($"/ops/inventory/dead-letters/{deadLetter.DeliveryId}/replay", null)).StatusCode);
    }

    [Fact]
    public async Task CoHostedSubscriber_ReceivesEventsOverHttpAtTheHostsOwnAddress()
    {
        var key = await ReserveSomethingAsync();

        var delivered = await Poll.UntilAsync(
            () => sql.CountAsync("inventory.outbox_deliveries d JOIN inventory.outbox_messages m ON m.id = d.message_id",
                "d.subscriber = 'Order' AND d.status = 1 AND m.aggregate_id = $1", key),
            n => n == 1);

        Assert.Equal(1, delivered);
        // Order's inbox took it (Order shows an order's reservation): processed once, in Order's own schema.
        Assert.Equal(1, await sql.CountAsync("\"order\".inbox_events", "source = 'Inventory' AND type = 'InventoryReserved'"));
    }

    private async Task<string> ReserveSomethingAsync()
    {
        var sku = InventoryHost.NewSku();
        (await client.PostAsJsonAsync($"/inventory/stock/{sku}/receipts", new ReceiveStockRequest("WH-EAST", 5), CommerceJson.Options))
            .EnsureSuccessStatusCode();
        var key = $"order-{Guid.NewGuid()}";
        (await client.PostAsJsonAsync("/inventory/reservations", new ReserveStockRequest(key, [new ReservationLineRequest(sku, 1)]),
            CommerceJson.Options)).EnsureSuccessStatusCode();
        return key;
    }
}
