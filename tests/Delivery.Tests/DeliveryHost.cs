global using Commerce.Host.Testing;
using System.Net.Http.Json;
using Commerce.Delivery.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Commerce.ServiceDefaults.Security;
using Commerce.Shipping.Contracts;
using Commerce.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Delivery.Tests;

/// <summary>A settable clock: the scheduled planner's days come and go by moving time, not by waiting.</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset now = new(2030, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}

/// <summary>
/// The host running Delivery alone on one test class's database, on a manual clock, the scheduled planner off (tests
/// plan explicitly or call its one pass). Shipping's events are delivered to Delivery's inbox as Shipping's
/// dispatcher delivers them, with Shipping's token.
/// </summary>
public class DeliveryHost : IAsyncLifetime
{
    private readonly PostgresDatabase<CommerceTemplate> database = new();
    private CommerceHostFactory? factory;

    public ManualClock Clock { get; } = new();

    /// <summary>An operator: plans and reads routes.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>Shipping's own client: reads a shipment's stop.</summary>
    public HttpClient Shipping { get; private set; } = null!;

    public CommerceHostFactory App => factory!;

    public Sql Sql { get; private set; } = null!;

    public IServiceProvider Services => factory!.Services;

    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        var settings = new Dictionary<string, string?> { ["Delivery:Planning:ScheduleEnabled"] = "false" };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        factory = new CommerceHostFactory(database.ConnectionString, "Delivery", settings, services: s => s.AddSingleton<TimeProvider>(Clock)).Start();
        Client = await factory.ClientAsAsync(Clients.Operator);
        Shipping = await factory.ClientAsAsync(Clients.For("Shipping"));
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

    /// <summary>Shipping's ShipmentCreated for a new shipment to <paramref name="postalCode"/>, created at <paramref name="at"/>.</summary>
    public async Task<Guid> ShipmentCreatedAsync(string postalCode, DateTimeOffset at, string country = "US")
    {
        var shipmentId = Guid.NewGuid();
        var outcome = await Client.DeliverAsync("delivery", Envelope(shipmentId, 1, at,
            new ShipmentCreated(shipmentId, Guid.NewGuid(), "SimCarrier", $"SIM{shipmentId:N}"[..20], postalCode, country)));
        Assert.Equal(InboxOutcome.Processed, outcome);
        return shipmentId;
    }

    public async Task ShipmentDeliveredAsync(Guid shipmentId, DateTimeOffset at) =>
        Assert.Equal(InboxOutcome.Processed, await Client.DeliverAsync("delivery",
            Envelope(shipmentId, 3, at, new ShipmentDelivered(shipmentId, Guid.NewGuid(), "SIM", at))));

    public static EventEnvelope Envelope<TEvent>(Guid shipmentId, int version, DateTimeOffset at, TEvent payload) =>
        TestSupport.Envelope("Shipping", shipmentId.ToString(), version, payload) with { OccurredAt = at };

    public async Task<RoutePlan> PlanAsync(DateOnly day)
    {
        var response = await Client.PostAsJsonAsync("/delivery/routes/plan", new PlanRoutesRequest(day), CommerceJson.Options);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RoutePlan>(CommerceJson.Options))!;
    }

    /// <summary>Noon of <paramref name="day"/>, UTC.</summary>
    public static DateTimeOffset At(DateOnly day, int hour = 12) => new(day.ToDateTime(new TimeOnly(hour, 0)), TimeSpan.Zero);
}

/// <summary>Routes of at most five stops, so splitting shows with a handful of shipments.</summary>
public sealed class SmallRoutesHost : DeliveryHost
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } =
        new Dictionary<string, string?> { ["Delivery:Planning:MaxStopsPerRoute"] = "5" };
}
