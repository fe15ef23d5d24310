global using Commerce.Host.Testing;
using System.Net.Http.Json;
using Commerce.Promotion.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;
using Commerce.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Promotion.Tests;

/// <summary>A settable clock: windows open and close by moving time, not by waiting.</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}

/// <summary>
/// The host running Promotion on one test class's database, with the schedule sweeper off (tests sweep explicitly)
/// unless the settings say otherwise. <see cref="RestartAsync"/> replaces it with a new host on the same database.
/// </summary>
public class PromotionHost : IAsyncLifetime
{
    private readonly PostgresDatabase<CommerceTemplate> database = new();
    private CommerceHostFactory? factory;

    public ManualClock Clock { get; } = new();

    /// <summary>An operator: runs campaigns and reads everything.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The order saga's worker: claims and releases uses.</summary>
    public HttpClient SagaWorker { get; private set; } = null!;

    /// <summary>Pricing: validates codes while quoting.</summary>
    public HttpClient Pricing { get; private set; } = null!;

    public Sql Sql { get; private set; } = null!;

    public CommerceHostFactory App => factory!;

    public IServiceProvider Services => factory!.Services;

    public string ConnectionString => database.ConnectionString;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        Sql = new Sql(database.ConnectionString);
        await StartAsync(new Dictionary<string, string?>());
    }

    /// <summary>Stops this host and starts another on the same database (state must come from the database alone).</summary>
    public async Task RestartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        await factory!.DisposeAsync();
        await StartAsync(settings);
    }

    private async Task StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?> { ["Promotion:Schedule:Enabled"] = "false" };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        factory = new CommerceHostFactory(database.ConnectionString, "Promotion", all,
            services: s => s.AddSingleton<TimeProvider>(Clock)).Start();
        Client = await factory.ClientAsAsync(Clients.Operator);
        SagaWorker = await factory.ClientAsAsync(Clients.SagaWorker);
        Pricing = await factory.ClientAsAsync(Clients.For("Pricing"));
    }

    public async Task DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        await database.DisposeAsync();
    }

    public static PromotionTerms Percent(decimal value, string currency = "USD") =>
        new(DiscountKind.Percentage, value, currency, PromotionScope.Order);

    /// <summary>Creates a promotion (201 expected) that started a minute ago and runs for a day, unless told otherwise.</summary>
    public async Task<PromotionResponse> CreatePromotionAsync(
        PromotionTerms? terms = null, bool requiresCoupon = true, TimeSpan? startsIn = null, TimeSpan? runsFor = null, string name = "Spring sale")
    {
        var startsAt = Clock.GetUtcNow() + (startsIn ?? TimeSpan.FromMinutes(-1));
        var response = await Client.PostAsJsonAsync("/promotions",
            new CreatePromotionRequest(name, terms ?? Percent(10), startsAt, startsAt + (runsFor ?? TimeSpan.FromDays(1)), requiresCoupon),
            CommerceJson.Options);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<PromotionResponse>(CommerceJson.Options))!;
    }

    /// <summary>Creates a coupon (201 expected) for <paramref name="promotionId"/> with a fresh code.</summary>
    public async Task<CouponResponse> CreateCouponAsync(
        Guid promotionId, int? usageLimit = null, int perCustomerLimit = 1, Guid? customerId = null, string? code = null)
    {
        var response = await Client.PostAsJsonAsync($"/promotions/{promotionId}/coupons",
            new CreateCouponRequest(code ?? NewCode(), usageLimit, perCustomerLimit, customerId), CommerceJson.Options);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CouponResponse>(CommerceJson.Options))!;
    }

    public Task<HttpResponseMessage> ValidateAsync(string code, Guid customerId, string currency = "USD", params CouponCheckLine[] lines) =>
        Pricing.PostAsJsonAsync("/promotions/coupons/validate",
            new ValidateCouponRequest(code, customerId, currency, lines.Length == 0 ? [Line(50m)] : lines), CommerceJson.Options);

    public Task<HttpResponseMessage> ClaimAsync(string key, string code, Guid customerId, Guid? orderId = null, decimal discount = 5m) =>
        SagaWorker.PostAsJsonAsync("/promotions/redemptions",
            new ClaimCouponRequest(key, code, customerId, orderId ?? Guid.NewGuid(), discount, "USD"), CommerceJson.Options);

    public async Task<CouponResponse> CouponAsync(string code) =>
        (await Client.GetFromJsonAsync<CouponResponse>($"/promotions/coupons/{code}", CommerceJson.Options))!;

    /// <summary>An envelope as its publisher's dispatcher sends it, stamped with this host's clock (the inbox refuses old events).</summary>
    public Commerce.ServiceDefaults.Messaging.EventEnvelope Envelope<TEvent>(string source, Guid aggregateId, int version, TEvent payload) =>
        TestSupport.Envelope(source, aggregateId.ToString(), version, payload) with { OccurredAt = Clock.GetUtcNow() };

    public static CouponCheckLine Line(decimal total, Guid? productId = null, string category = "Peripherals") =>
        new(productId ?? Guid.NewGuid(), category, total);

    public static string NewCode() => $"T{Guid.NewGuid():N}"[..16].ToUpperInvariant();

    public static string NewKey() => $"order-{Guid.NewGuid()}-promotion";
}
