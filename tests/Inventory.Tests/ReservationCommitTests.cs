using System.Net;
using System.Net.Http.Json;
using Commerce.Inventory.Contracts;
using Commerce.Inventory.Reservations;
using Commerce.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Inventory.Tests;

/// <summary>
/// A committed reservation (the order is confirmed) holds its stock until it is fulfilled or released: the 15-minute
/// expiry applies only until the commit.
/// </summary>
public sealed class ReservationCommitTests(InventoryHost host) : IClassFixture<InventoryHost>
{
    [Fact]
    public async Task Commit_ActiveReservation_IsNeverExpiredBySweeperAndStillFulfils()
    {
        var (sku, key) = await ReservedAsync(onHand: 8, quantity: 3);

        var committed = await CommitAsync(key);
        host.Clock.Advance(TimeSpan.FromHours(2));
        await Sweeper.SweepAsync(CancellationToken.None);
        var afterSweep = await GetAsync(key);
        var stockAfterSweep = await host.StockAsync(sku);
        var fulfilled = await host.SagaWorker.PostAsync($"/inventory/reservations/{key}/fulfil", null);

        Assert.Equal(HttpStatusCode.OK, committed.StatusCode);
        var body = await committed.Content.ReadFromJsonAsync<ReservationResponse>(CommerceJson.Options);
        Assert.Equal(ReservationStatus.Committed, body!.Status);
        Assert.NotNull(body.CommittedAt);
        Assert.Equal(ReservationStatus.Committed, afterSweep.Status);
        Assert.Equal((8, 3), (stockAfterSweep.OnHand, stockAfterSweep.Reserved));
        Assert.Equal(HttpStatusCode.OK, fulfilled.StatusCode);
        var stock = await host.StockAsync(sku);
        Assert.Equal((5, 0), (stock.OnHand, stock.Reserved));
        Assert.Equal(
            [nameof(InventoryReserved), nameof(InventoryReservationCommitted), nameof(InventoryFulfilled)],
            await host.Sql.EventTypesAsync("inventory", key));
    }

    [Fact]
    public async Task Commit_RepeatedAndConcurrent_CommitsOnceAndAnswersTheSame()
    {
        var (_, key) = await ReservedAsync(onHand: 5, quantity: 2);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var attempts = Enumerable.Range(0, 10).Select(async _ =>
        {
            await start.Task;
            return await CommitAsync(key);
        }).ToList();
        start.SetResult();
        var responses = await Task.WhenAll(attempts);
        var repeat = await CommitAsync(key);

        Assert.All(responses.Append(repeat), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var bodies = await Task.WhenAll(responses.Append(repeat)
            .Select(async r => (await r.Content.ReadFromJsonAsync<ReservationResponse>(CommerceJson.Options))!));
        Assert.All(bodies, b => Assert.Equal((ReservationStatus.Committed, 2), (b.Status, b.Version)));
        Assert.Single(bodies.Select(b => b.CommittedAt).Distinct());
        Assert.Equal([nameof(InventoryReserved), nameof(InventoryReservationCommitted)], await host.Sql.EventTypesAsync("inventory", key));
    }

    [Fact]
    public async Task Release_CommittedReservation_GivesTheStockBack()
    {
        var (sku, key) = await ReservedAsync(onHand: 4, quantity: 4);
        (await CommitAsync(key)).EnsureSuccessStatusCode();

        var released = await host.SagaWorker.PostAsync($"/inventory/reservations/{key}/release", null);

        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal(ReservationStatus.Released, (await GetAsync(key)).Status);
        Assert.Equal(4, (await host.StockAsync(sku)).Available);
    }

    [Theory]
    [InlineData("expired", ReservationStatus.Expired)]
    [InlineData("due but not yet swept", ReservationStatus.Active)]
    [InlineData("released", ReservationStatus.Released)]
    [InlineData("fulfilled", ReservationStatus.Fulfilled)]
    public async Task Commit_ReservationThatNoLongerHolds_IsConflictProblemAndChangesNothing(string state, ReservationStatus expected)
    {
        var (sku, key) = await ReservedAsync(onHand: 6, quantity: 1, expiresInSeconds: 60);
        switch (state)
        {
            case "expired":
                host.Clock.Advance(TimeSpan.FromMinutes(2));
                await Sweeper.SweepAsync(CancellationToken.None);
                break;
            case "due but not yet swept":
                host.Clock.Advance(TimeSpan.FromMinutes(2));
                break;
            default:
                (await host.SagaWorker.PostAsync($"/inventory/reservations/{key}/{(state == "released" ? "release" : "fulfil")}", null))
                    .EnsureSuccessStatusCode();
                break;
        }

        var events = await host.Sql.EventTypesAsync("inventory", key);
        var stock = await host.StockAsync(sku);
        var before = (stock.OnHand, stock.Reserved);

        var response = await CommitAsync(key);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected, (await GetAsync(key)).Status);
        Assert.Equal(events, await host.Sql.EventTypesAsync("inventory", key));
        stock = await host.StockAsync(sku);
        Assert.Equal(before, (stock.OnHand, stock.Reserved));
    }

    [Fact]
    public async Task Commit_UnknownReservation_IsNotFound()
    {
        var response = await CommitAsync("no-such-reservation");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private ReservationExpirySweeper Sweeper => host.Services.GetRequiredService<ReservationExpirySweeper>();

    private Task<HttpResponseMessage> CommitAsync(string key) => host.SagaWorker.PostAsync($"/inventory/reservations/{key}/commit", null);

    private async Task<ReservationResponse> GetAsync(string key) =>
        (await host.Client.GetFromJsonAsync<ReservationResponse>($"/inventory/reservations/{key}", CommerceJson.Options))!;

    private async Task<(string Sku, string Key)> ReservedAsync(int onHand, int quantity, int? expiresInSeconds = null)
    {
        var sku = InventoryHost.NewSku();
        await host.ReceiveAsync(sku, "WH-EAST", onHand);
        var key = $"order-{Guid.NewGuid()}";
        (await host.SagaWorker.PostAsJsonAsync("/inventory/reservations",
            new ReserveStockRequest(key, [new ReservationLineRequest(sku, quantity)], ExpiresInSeconds: expiresInSeconds), CommerceJson.Options))
            .EnsureSuccessStatusCode();
        return (sku, key);
    }
}
