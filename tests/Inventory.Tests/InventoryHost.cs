using System.Net.Http.Json;
using Commerce.Host.Testing;
using Commerce.Inventory.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;
using Commerce.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Inventory.Tests;

/// <summary>A settable clock: reservation expiry is tested by moving time, not by waiting.</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}

/// <summary>The host running Inventory on one test class's database.</summary>
public sealed class InventoryHost : IAsyncLifetime
{
    private readonly PostgresDatabase<CommerceTemplate> database = new();
    private CommerceHostFactory? factory;

    public ManualClock Clock { get; } = new();

    /// <summary>An operator: keeps stock and reads everything.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The order saga's worker: reservations are made and moved as the saga makes and moves them.</summary>
    public HttpClient SagaWorker { get; private set; } = null!;

    public Sql Sql { get; private set; } = null!;

    public IServiceProvider Services => factory!.Services;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        factory = new CommerceHostFactory(database.ConnectionString, "Inventory",
            services: s => s.AddSingleton<TimeProvider>(Clock)).Start();
        Client = await factory.ClientAsAsync(Clients.Operator);
        SagaWorker = await factory.ClientAsAsync(Clients.SagaWorker);
        Sql = new Sql(database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        await database.DisposeAsync();
    }

    public async Task ReceiveAsync(string sku, string warehouse, int quantity)
    {
        var response = await Client.PostAsJsonAsync($"/inventory/stock/{sku}/receipts", new ReceiveStockRequest(warehouse, quantity),
            CommerceJson.Options);
        response.EnsureSuccessStatusCode();
    }

    public async Task<StockLevelResponse> StockAsync(string sku) =>
        (await Client.GetFromJsonAsync<StockLevelResponse>($"/inventory/stock/{sku}", CommerceJson.Options))!;

    public Task<HttpResponseMessage> ReserveAsync(string key, params (string Sku, int Quantity)[] lines) =>
        SagaWorker.PostAsJsonAsync("/inventory/reservations",
            new ReserveStockRequest(key, [.. lines.Select(l => new ReservationLineRequest(l.Sku, l.Quantity))]), CommerceJson.Options);

    public static string NewSku() => $"SKU-{Guid.NewGuid():N}"[..20];
}
