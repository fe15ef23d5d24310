using System.Net;
using System.Net.Http.Json;
using System.Text;
using Commerce.Inventory.Contracts;
using Commerce.Inventory.Reservations;
using Commerce.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Inventory.Tests;

public sealed class ReservationTests(InventoryHost host) : IClassFixture<InventoryHost>
{
    [Fact]
    public async Task Reserve_ConcurrentOrdersForLastUnits_NeverOversells()
    {
        var sku = InventoryHost.NewSku();
        await host.ReceiveAsync(sku, "WH-EAST", 6);
        await host.ReceiveAsync(sku, "WH-WEST", 4);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var attempts = Enumerable.Range(0, 100).Select(async i =>
        {
            await start.Task;
            return (await host.ReserveAsync($"order-{i}-{sku}", (sku, 1))).StatusCode;
        }).ToList();
        start.SetResult();
        var statuses = await Task.WhenAll(attempts);

        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(90, statuses.Count(s => s == HttpStatusCode.UnprocessableEntity));
        var stock = await host.StockAsync(sku);
        Assert.Equal((10, 10, 0), (stock.OnHand, stock.Reserved, stock.Available));
        Assert.All(stock.Warehouses, w => Assert.Equal(0, w.Available));
        Assert.Equal(10, await host.Sql.CountAsync("inventory.reservation_lines", "sku = $1", sku));
        Assert.Equal(10, await host.Sql.CountAsync("inventory.outbox_messages", "type = 'InventoryReserved' AND payload::text LIKE '%' || $1 || '%'", sku));
    }

    [Fact]
    public async Task Reserve_SameKeyRepeatedAndConcurrent_CreatesOneReservation()
    {
        var sku = InventoryHost.NewSku();
        await host.ReceiveAsync(sku, "WH-EAST", 50);
        var key = $"order-{Guid.NewGuid()}";
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var attempts = Enumerable.Range(0, 20).Select(async _ =>
        {
            await start.Task;
            return await host.ReserveAsync(key, (sku, 3));
        }).ToList();
        start.SetResult();
        var responses = await Task.WhenAll(attempts);
        var repeat = await host.ReserveAsync(key, (sku, 3));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Append(repeat).Where(r => r.StatusCode != HttpStatusCode.Created),
            r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var body = await repeat.Content.ReadFromJsonAsync<ReservationResponse>(CommerceJson.Options);
        Assert.Equal([new ReservationAllocation(sku, "WH-EAST", 3)], body!.Allocations);
        Assert.Equal(3, (await host.StockAsync(sku)).Reserved);
        Assert.Equal(1, await host.Sql.CountAsync("inventory.reservations", "key = $1", key));
        Assert.Equal([nameof(InventoryReserved)], await host.Sql.EventTypesAsync("inventory", key));
    }

    [Fact]
    public async Task Reserve_SameKeyWithDifferentLines_Conflicts()
    {
        var sku = InventoryHost.NewSku();
        await host.ReceiveAsync(sku, "WH-EAST", 10);
        var key = $"order-{Guid.NewGuid()}";
        (await host.ReserveAsync(key, (sku, 2))).EnsureSuccessStatusCode();

        var response = await host.ReserveAsync(key, (sku, 5));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(2, (await host.StockAsync(sku)).Reserved);
    }

    [Fact]
    public async Task Reserve_OneLineShort_ReservesNothingAtAll()
    {
        var plenty = InventoryHost.NewSku();
        var scarce = InventoryHost.NewSku();
        await host.ReceiveAsync(plenty, "WH-EAST", 100);
        await host.ReceiveAsync(scarce, "WH-EAST", 1);
        await host.ReceiveAsync(scarce, "WH-WEST", 1);
        var key = $"order-{Guid.NewGuid()}";

        var response = await host.ReserveAsync(key, (plenty, 5), (scarce, 3));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(0, (await host.StockAsync(plenty)).Reserved);
        Assert.Equal(0, (await host.StockAsync(scarce)).Reserved);
        Assert.Equal(0, await host.Sql.CountAsync("inventory.reservations", "key = $1", key));
        Assert.Empty(await host.Sql.EventTypesAsync("inventory", key));
    }

    [Fact]
    public async Task Reserve_LineLargerThanOneWarehouse_IsSplitAcrossWarehouses()
    {
        var sku = InventoryHost.NewSku();
        await host.ReceiveAsync(sku, "WH-EAST", 2);
        await host.ReceiveAsync(sku, "WH-WEST", 5);

        var response = await host.ReserveAsync($"order-{Guid.NewGuid()}", (sku, 6));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var reservation = await response.Content.ReadFromJsonAsync<ReservationResponse>(CommerceJson.Options);
        Assert.Equal([new ReservationAllocation(sku, "WH-EAST", 2), new ReservationAllocation(sku, "WH-WEST", 4)], reservation!.Allocations);
        Assert.Equal(host.Clock.GetUtcNow() + TimeSpan.FromMinutes(15), reservation.ExpiresAt);
    }

    [Fact]
    public async Task Release_RestoresAvailability_AndIsIdempotent()
    {
        var sku = InventoryHost.NewSku();
        await host.ReceiveAsync(sku, "WH-EAST", 5);
        var key = $"order-{Guid.NewGuid()}";
        (await host.ReserveAsync(key, (sku, 5))).EnsureSuccessStatusCode();

        var first = await host.SagaWorker.PostAsync($"/inventory/reservations/{key}/release", null);
        var second = await host.SagaWorker.PostAsync($"/inventory/reservations/{key}/release", null);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(ReservationStatus.Released, (await second.Content.ReadFromJsonAsync<ReservationResponse>(CommerceJson.Options))!.Status);
        Assert.Equal((5, 0), ((await host.StockAsync(sku)).OnHand, (await host.StockAsync(sku)).Reserved));
        Assert.Equal([nameof(InventoryReserved), nameof(InventoryReservationReleased)], await host.Sql.EventTypesAsync("inventory", key));
        Assert.Equal(HttpStatusCode.Conflict, (await host.SagaWorker.PostAsync($"/inventory/reservations/{key}/fulfil", null)).StatusCode);
    }

    [Fact]
    public async Task Fulfil_DecrementsOnHand_RecordsMovement_AndIsIdempotent()
    {
        var sku = InventoryHost.NewSku();
        await host.ReceiveAsync(sku, "WH-EAST", 8);
        var key = $"order-{Guid.NewGuid()}";
        (await host.ReserveAsync(key, (sku, 3))).EnsureSuccessStatusCode();

        var first = await host.SagaWorker.PostAsync($"/inventory/reservations/{key}/fulfil", null);
        var second = await host.SagaWorker.PostAsync($"/inventory/reservations/{key}/fulfil", null);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var stock = await host.StockAsync(sku);
        Assert.Equal((5, 0, 5), (stock.OnHand, stock.Reserved, stock.Available));
        Assert.Equal(1, await host.Sql.CountAsync("inventory.stock_movements", "sku = $1 AND kind = 'Fulfilment' AND quantity = -3", sku));
        Assert.Equal([nameof(InventoryReserved), nameof(InventoryFulfilled)], await host.Sql.EventTypesAsync("inventory", key));
        Assert.Equal(HttpStatusCode.Conflict, (await host.SagaWorker.PostAsync($"/inventory/reservations/{key}/release", null)).StatusCode);
    }

    [Fact]
    public async Task Sweep_ReleasesOnlyReservationsPastTheirExpiry()
    {
        var sku = InventoryHost.NewSku();
        await host.ReceiveAsync(sku, "WH-EAST", 10);
        var shortKey = $"order-{Guid.NewGuid()}";
        var defaultKey = $"order-{Guid.NewGuid()}";
        (await host.SagaWorker.PostAsJsonAsync("/inventory/reservations",
            new ReserveStockRequest(shortKey, [new ReservationLineRequest(sku, 2)], ExpiresInSeconds: 60), CommerceJson.Options))
            .EnsureSuccessStatusCode();
        (await host.ReserveAsync(defaultKey, (sku, 3))).EnsureSuccessStatusCode();
        var sweeper = host.Services.GetRequiredService<ReservationExpirySweeper>();

        host.Clock.Advance(TimeSpan.FromMinutes(2));
        await sweeper.SweepAsync(CancellationToken.None);
        var afterTwoMinutes = await host.StockAsync(sku);
        host.Clock.Advance(TimeSpan.FromMinutes(14));
        await sweeper.SweepAsync(CancellationToken.None);

        Assert.Equal(3, afterTwoMinutes.Reserved);
        Assert.Equal(0, (await host.StockAsync(sku)).Reserved);
        var expired = await host.Client.GetFromJsonAsync<ReservationResponse>($"/inventory/reservations/{defaultKey}", CommerceJson.Options);
        Assert.Equal(ReservationStatus.Expired, expired!.Status);
        Assert.Equal([nameof(InventoryReserved), nameof(InventoryReservationExpired)], await host.Sql.EventTypesAsync("inventory", defaultKey));
        // Releasing after expiry is what the caller wanted anyway; fulfilling it is not possible.
        Assert.Equal(HttpStatusCode.OK, (await host.SagaWorker.PostAsync($"/inventory/reservations/{defaultKey}/release", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await host.SagaWorker.PostAsync($"/inventory/reservations/{defaultKey}/fulfil", null)).StatusCode);
    }

    [Fact]
    public async Task UnknownReservation_IsNotFound()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/inventory/reservations/nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.SagaWorker.PostAsync("/inventory/reservations/nope/release", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.SagaWorker.PostAsync("/inventory/reservations/nope/fulfil", null)).StatusCode);
    }

    [Fact]
    public async Task Reserve_UnknownSku_IsUnprocessable()
    {
        var response = await host.ReserveAsync($"order-{Guid.NewGuid()}", (InventoryHost.NewSku(), 1));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"key":"","lines":[{"sku":"A","quantity":1}]}""", "key")]
    [InlineData("""{"key":"k1","lines":[]}""", "lines")]
    [InlineData("""{"key":"k1","lines":[{"sku":"A","quantity":0}]}""", "lines[0].quantity")]
    [InlineData("""{"key":"k1","lines":[{"sku":"A","quantity":-5}]}""", "lines[0].quantity")]
    [InlineData("""{"key":"k1","lines":[{"sku":"A","quantity":1},{"sku":"A","quantity":2}]}""", "lines")]
    [InlineData("""{"key":"k1","lines":[{"sku":"A","quantity":1}],"expiresInSeconds":0}""", "expiresInSeconds")]
    [InlineData("""{"key":"k1"}""", "lines")]
    [InlineData("""{"key":"k1","lines":[{"sku":null,"quantity":1}]}""", "lines[0].sku")]
    [InlineData("""{"key":"k1","lines":[{"sku":"A","quantity":"1x"}]}""", "lines[0].quantity")]
    [InlineData("""not json""", "$")]
    public async Task Reserve_BadInput_IsValidationProblemAndWritesNothing(string body, string field)
    {
        var before = await host.Sql.CountAsync("inventory.reservations");

        var response = await host.SagaWorker.PostAsync("/inventory/reservations", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<StockTests.ValidationProblem>(CommerceJson.Options);
        Assert.True(problem!.Errors.ContainsKey(field), $"Expected an error for {field}; got {string.Join(", ", problem.Errors.Keys)}");
        Assert.Equal(before, await host.Sql.CountAsync("inventory.reservations"));
    }
}
