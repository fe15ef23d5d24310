global using Commerce.Host.Testing;
using System.Net;
using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Pricing.Contracts;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;
using Commerce.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Pricing.Tests;

/// <summary>
/// A settable clock: sale windows and quote expiry are tested by moving time. It starts at the real time and moves
/// by minutes only, so the tokens the co-hosted token server issued stay valid.
/// </summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}

/// <summary>
/// Pricing with the real Product and Customer (the token server) in one host on this class's database: products and
/// customers are made through their owners' APIs, and their events reach Pricing's caches through the outbox.
/// </summary>
public class PricingSystem : IAsyncLifetime
{
    private readonly PostgresDatabase<CommerceTemplate> database = new();

    public CommerceHostFactory Host { get; private set; } = null!;

    public ManualClock Clock { get; } = new();

    /// <summary>An operator: keeps the rules and the catalog, quotes for anyone.</summary>
    public HttpClient Operator { get; private set; } = null!;

    public HttpClient Anonymous { get; private set; } = null!;

    public Sql Sql { get; private set; } = null!;

    public string ConnectionString => database.ConnectionString;

    protected virtual string Contexts => "Pricing,Product,Customer";

    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        await database.InitializeAsync();
        Host = new CommerceHostFactory(database.ConnectionString, Contexts, Settings, s => s.AddSingleton<TimeProvider>(Clock)).Start();
        Anonymous = Host.CreateClient();
        Operator = await Host.ClientAsAsync(Clients.Operator);
        Sql = new Sql(database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await database.DisposeAsync();
    }

    /// <summary>A product made through Product's API, once Pricing's cache holds it.</summary>
    public async Task<ProductResponse> ProductAsync(decimal price, string currency = "USD", string? category = null)
    {
        var product = await SendAsync<ProductResponse>(Operator, HttpMethod.Post, "/products",
            new CreateProductRequest($"SKU-{Guid.NewGuid():N}"[..20], "Espresso cup", category ?? "Kitchen", price, currency), HttpStatusCode.Created);
        await CachedAsync(product.Id, product.Version);
        return product;
    }

    /// <summary>Waits until Pricing's product cache holds <paramref name="version"/> (or newer) of the product.</summary>
    public Task CachedAsync(Guid productId, int version) =>
        Poll.UntilAsync(async () => await Sql.CountAsync("pricing.cached_products", "product_id = $1 AND source_version >= $2", productId, version) == 1);

    /// <summary>A new customer (Standard), their signed-in client, once Pricing knows their membership.</summary>
    public async Task<(Guid Id, HttpClient Client)> CustomerAsync()
    {
        var email = $"grace-{Guid.NewGuid():N}@example.com";
        var customer = await SendAsync<CustomerResponse>(Anonymous, HttpMethod.Post, "/customers",
            new RegisterCustomerRequest("Grace Hopper", email, Password: TestIdentity.CustomerPassword), HttpStatusCode.Created);
        await Poll.UntilAsync(async () => await Sql.CountAsync("pricing.customer_memberships", "customer_id = $1", customer.Id) == 1);
        return (customer.Id, await Host.CustomerClientAsync(email));
    }

    public async Task<PricingRuleResponse> RuleAsync(PricingRuleRequest rule) =>
        await SendAsync<PricingRuleResponse>(Operator, HttpMethod.Post, "/pricing/rules", rule, HttpStatusCode.Created);

    public Task<HttpResponseMessage> PostQuoteAsync(HttpClient client, Guid customerId, string? coupon, params (Guid ProductId, int Quantity)[] lines) =>
        client.PostAsJsonAsync("/pricing/quotes",
            new CreateQuoteRequest(customerId, [.. lines.Select(l => new QuoteLineRequest(l.ProductId, l.Quantity))], coupon), CommerceJson.Options);

    /// <summary>A quote the operator asks for (201 expected).</summary>
    public async Task<QuoteResponse> QuoteAsync(Guid customerId, params (Guid ProductId, int Quantity)[] lines)
    {
        using var response = await PostQuoteAsync(Operator, customerId, null, lines);
        return await ReadAsync<QuoteResponse>(response, HttpStatusCode.Created);
    }

    public Task<long> QuoteCountAsync() => Sql.CountAsync("pricing.quotes");

    public static async Task<T> SendAsync<T>(HttpClient client, HttpMethod method, string path, object? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: CommerceJson.Options),
        };
        using var response = await client.SendAsync(request);
        return await ReadAsync<T>(response, expected);
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.True(response.StatusCode == expected,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(CommerceJson.Options))!;
    }

    /// <summary>Every line's LineDiscount is the sum of its adjustments, and LineTotal = UnitPrice × Quantity − LineDiscount; the totals add up.</summary>
    public static void AssertAddsUp(QuoteResponse quote)
    {
        foreach (var line in quote.Lines)
        {
            Assert.Equal(line.Adjustments.Sum(a => a.Amount), line.LineDiscount);
            Assert.Equal(line.UnitPrice * line.Quantity - line.LineDiscount, line.LineTotal);
            Assert.All(line.Adjustments, a => Assert.True(a.Amount > 0));
        }

        Assert.Equal(quote.Lines.Sum(l => l.LineTotal), quote.Subtotal);
        Assert.Equal(Math.Max(0, quote.Subtotal - quote.OrderAdjustments.Sum(a => a.Amount)), quote.Total);
        Assert.Equal(
            quote.Lines.SelectMany(l => l.Adjustments).Concat(quote.OrderAdjustments).Where(a => a.Source == AdjustmentSource.Promotion).Sum(a => a.Amount),
            quote.Promotions.Sum(p => p.Discount));
    }
}

/// <summary>Pricing, Product and Customer with Promotion unreachable (nothing listens on its address).</summary>
public sealed class PricingWithoutPromotion : PricingSystem
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Services:Promotion:BaseUrl"] = "http://127.0.0.1:9/",
    };
}

/// <summary>Pricing, Product, Customer and the real Promotion in one host: coupons are checked by Promotion itself.</summary>
public sealed class PricingWithPromotion : PricingSystem
{
    protected override string Contexts => "Pricing,Product,Customer,Promotion";
}
