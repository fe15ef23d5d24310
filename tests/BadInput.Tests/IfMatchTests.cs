using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Commerce.Host.Testing;
using Commerce.Payment.Contracts;
using Commerce.ServiceDefaults.Http;
using Commerce.ServiceDefaults.Security;
using Commerce.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.BadInput.Tests;

/// <summary>
/// Every context but Shipping (which takes no If-Match) on its own database, with what the If-Match matrix needs:
/// a customer with default addresses, a product and a card. Each case then makes its own fresh aggregate.
/// </summary>
public sealed class IfMatchSystem : IAsyncLifetime
{
    private readonly PostgresDatabase<CommerceTemplate> database = new();

    public CommerceHostFactory Host { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public string Customer { get; private set; } = "";

    public string Product { get; private set; } = "";

    public string Card { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        Host = new CommerceHostFactory(database.ConnectionString, "Customer,Product,Inventory,Order,Payment,Notification",
            services: ProblemRecorder.AddTo).Start();
        Client = await Host.ClientAsAsync(Clients.Operator);
        Customer = Id(await SendAsync("POST", "/customers", NewCustomer()));
        Product = Id(await SendAsync("POST", "/products", NewProduct()));
        var year = DateTime.UtcNow.Year + 2;
        Card = Id(await SendAsync("POST", "/payments/methods",
            $$"""{"customerId":"{{Customer}}","cardNumber":"{{TestCards.Success}}","expiryMonth":12,"expiryYear":{{year}}}"""));
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        await database.DisposeAsync();
    }

    public static string NewCustomer() =>
        $$"""
        {"name":"Ada","email":"ada-{{Guid.NewGuid():N}}@example.com","password":"{{TestIdentity.CustomerPassword}}","addresses":[
          {"kind":"Shipping","recipient":"Ada","line1":"1 Main St","city":"London","postalCode":"N1","country":"GB","isDefault":true},
          {"kind":"Billing","recipient":"Ada","line1":"1 Main St","city":"London","postalCode":"N1","country":"GB","isDefault":true}]}
        """;

    public static string NewProduct() =>
        $$"""{"sku":"SKU-{{Guid.NewGuid():N}}","name":"Gear","category":"parts","price":1,"currency":"EUR"}""";

    public static string Id(JsonElement resource) => resource.GetProperty("id").GetString()!;

    public static int Version(JsonElement resource) => resource.GetProperty("version").GetInt32();

    /// <summary>A request that must succeed; its JSON body (or <c>{}</c> when it has none).</summary>
    public async Task<JsonElement> SendAsync(string method, string path, string? body = null)
    {
        using var response = await Client.SendAsync(Request(method, path, body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text.Length == 0 ? "{}" : text).RootElement.Clone();
    }

    /// <summary>With a fresh Idempotency-Key: Payment requires one, the others ignore it.</summary>
    public static HttpRequestMessage Request(string method, string path, string? body, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString("N"));
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        return request;
    }
}

/// <summary>
/// One If-Match behaviour on every endpoint that takes it. The endpoints come from the routes' metadata (the
/// marker <see cref="AggregateChanges.AcceptsIfMatch{TBuilder}"/> adds), so a new one fails here until it has a
/// <see cref="Scenarios">scenario</see> and then gets the whole matrix; its OpenAPI operation must list the header.
/// </summary>
public sealed class IfMatchTests(IfMatchSystem system) : IClassFixture<IfMatchSystem>
{
    private static readonly Dictionary<string, Func<IfMatchSystem, Task<Target>>> Scenarios = new(StringComparer.Ordinal)
    {
        ["PUT /customers/{id:guid}"] = async s => await CustomerAsync(s, "", "PUT",
            """{"name":"Ada B","email":"{email}","preferences":{"language":"en","currency":"USD","notificationChannels":[]}}"""),
        ["POST /customers/{id:guid}/addresses"] = async s => await CustomerAsync(s, "/addresses", "POST",
            """{"kind":"Billing","recipient":"Ada","line1":"2 Main St","city":"London","postalCode":"N1","country":"GB"}"""),
        ["POST /customers/{id:guid}/membership"] = async s => await CustomerAsync(s, "/membership", "POST", """{"level":"Gold"}"""),
        ["POST /customers/{id:guid}/suspend"] = async s => await CustomerAsync(s, "/suspend", "POST", """{"reason":"fraud check"}"""),
        ["DELETE /customers/{id:guid}"] = async s => await CustomerAsync(s, "", "DELETE", null),

        ["PUT /products/{id:guid}"] = async s => await ProductAsync(s, "", "PUT", """{"name":"Gear 2","category":"parts"}"""),
        ["PUT /products/{id:guid}/price"] = async s => await ProductAsync(s, "/price", "PUT", """{"price":2,"currency":"EUR"}"""),
        ["POST /products/{id:guid}/discontinue"] = async s => await ProductAsync(s, "/discontinue", "POST", null),

        ["POST /orders/{id:guid}/submit"] = async s => await OrderAsync(s, [], "submit", null),
        ["POST /orders/{id:guid}/confirm"] = async s => await OrderAsync(s, ["submit"], "confirm", "{}"),
        ["POST /orders/{id:guid}/ship"] = async s => await OrderAsync(s, ["submit", "confirm"], "ship", """{"note":"boxed"}"""),
        ["POST /orders/{id:guid}/deliver"] = async s => await OrderAsync(s, ["submit", "confirm", "ship"], "deliver", null),
        ["POST /orders/{id:guid}/cancel"] = async s => await OrderAsync(s, [], "cancel", """{"reason":"changed my mind"}"""),

        ["POST /payments/{id:guid}/capture"] = async s => await PaymentAsync(s, captured: false, "capture", "{}"),
        ["POST /payments/{id:guid}/void"] = async s => await PaymentAsync(s, captured: false, "void", null),
        ["POST /payments/{id:guid}/refunds"] = async s => await PaymentAsync(s, captured: true, "refunds", "{}"),
        ["DELETE /payments/methods/{id:guid}"] = async s =>
        {
            var year = DateTime.UtcNow.Year + 2;
            var method = await s.SendAsync("POST", "/payments/methods",
                $$"""{"customerId":"{{s.Customer}}","cardNumber":"{{TestCards.Success}}","expiryMonth":12,"expiryYear":{{year}}}""");
            return new("DELETE", $"/payments/methods/{IfMatchSystem.Id(method)}", null, IfMatchSystem.Version(method));
        },

        ["POST /inventory/stock/{sku}/adjustments"] = async s =>
        {
            var sku = $"SKU-{Guid.NewGuid():N}";
            var row = await s.SendAsync("POST", $"/inventory/stock/{sku}/receipts", """{"warehouse":"WH-1","quantity":10}""");
            return new("POST", $"/inventory/stock/{sku}/adjustments", """{"warehouse":"WH-1","delta":1,"reason":"count"}""",
                IfMatchSystem.Version(row));
        },

        ["PUT /notifications/templates/{key}"] = async s =>
        {
            var path = $"/notifications/templates/t-{Guid.NewGuid():N}";
            var template = await s.SendAsync("PUT", path, """{"subject":"Hi","body":"Hello"}""");
            return new("PUT", path, """{"subject":"Hi again","body":"Hello again"}""", IfMatchSystem.Version(template));
        },
    };

    /// <summary>
    /// Absent: unconditional. <c>*</c>: any version. Strong or weak tags, alone or in a list: the current version
    /// matches. Another version: 409. Not an entity tag: 400. Each success answers a newer version as its ETag.
    /// </summary>
    private static readonly (string Case, Func<int, string?> Header, int? Status)[] Matrix =
    [
        ("no If-Match", _ => null, null),
        ("*", _ => "*", null),
        ("current", v => $"\"{v}\"", null),
        ("weak current", v => $"W/\"{v}\"", null),
        ("list with current", v => $"\"{v + 5}\", W/\"{v}\"", null),
        ("stale", v => $"\"{v + 5}\"", 409),
        ("malformed", v => v.ToString(CultureInfo.InvariantCulture), 400),
    ];

    [Fact]
    public async Task IfMatch_EveryEndpointThatTakesIt_AnswersTheSameMatrix()
    {
        var marked = system.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IfMatchMetadata>() is not null).ToList();
        var endpoints = marked.Select(e => $"{e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Single()} {e.RoutePattern.RawText}")
            .Order(StringComparer.Ordinal).ToList();
        var failures = await UndocumentedIfMatchAsync(marked);

        Assert.Equal(Scenarios.Keys.Order(StringComparer.Ordinal), endpoints);
        foreach (var endpoint in endpoints)
        {
            foreach (var (name, header, status) in Matrix)
            {
                var target = await Scenarios[endpoint](system);
                using var response = await system.Client.SendAsync(IfMatchSystem.Request(target.Method, target.Path, target.Body, header(target.Version)));
                var answered = (int)response.StatusCode;
                var etag = response.Headers.ETag?.ToString();
                if (status is { } expected ? answered != expected : !response.IsSuccessStatusCode)
                {
                    failures.Add($"{endpoint}, {name}: {answered} {await response.Content.ReadAsStringAsync()}");
                }
                // Newer, not necessarily +1: Payment's capture, void and refund commit two versions (claim, answer).
                else if (status is null && !(etag is ['"', .. var tag, '"'] && int.TryParse(tag, CultureInfo.InvariantCulture, out var version) && version > target.Version))
                {
                    failures.Add($"{endpoint}, {name}: ETag {etag ?? "none"} after a change from version {target.Version}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        await system.Host.Services.GetRequiredService<ProblemRecorder>().AssertDeclaredAsync(system.Client);
    }

    /// <summary>The marked operations whose OpenAPI document does not list the If-Match header.</summary>
    private async Task<List<string>> UndocumentedIfMatchAsync(List<RouteEndpoint> marked)
    {
        var documented = new HashSet<string>(StringComparer.Ordinal);
        foreach (var document in marked.Select(e => e.Metadata.GetMetadata<IEndpointGroupNameMetadata>()?.EndpointGroupName).Distinct())
        {
            using var json = JsonDocument.Parse(await system.Client.GetStringAsync(new Uri($"/openapi/{document}.json", UriKind.Relative)));
            foreach (var path in json.RootElement.GetProperty("paths").EnumerateObject())
            {
                documented.UnionWith(path.Value.EnumerateObject()
                    .Where(o => o.Value.TryGetProperty("parameters", out var parameters) && parameters.EnumerateArray().Any(p =>
                        p.GetProperty("name").GetString() == "If-Match" && p.GetProperty("in").GetString() == "header"))
                    .Select(o => ProblemRecorder.Key(o.Name, path.Name)));
            }
        }

        return [.. marked
            .Select(e => ProblemRecorder.Key(e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Single(), e.RoutePattern.RawText!))
            .Where(key => !documented.Contains(key))
            .Select(key => $"{key}: no If-Match header in its OpenAPI operation")];
    }

    private static async Task<Target> CustomerAsync(IfMatchSystem s, string suffix, string method, string? body)
    {
        var customer = await s.SendAsync("POST", "/customers", IfMatchSystem.NewCustomer());
        return new(method, $"/customers/{IfMatchSystem.Id(customer)}{suffix}",
            body?.Replace("{email}", customer.GetProperty("email").GetString(), StringComparison.Ordinal), IfMatchSystem.Version(customer));
    }

    private static async Task<Target> ProductAsync(IfMatchSystem s, string suffix, string method, string? body)
    {
        var product = await s.SendAsync("POST", "/products", IfMatchSystem.NewProduct());
        return new(method, $"/products/{IfMatchSystem.Id(product)}{suffix}", body, IfMatchSystem.Version(product));
    }

    private static async Task<Target> OrderAsync(IfMatchSystem s, string[] before, string transition, string? body)
    {
        var order = await s.SendAsync("POST", "/orders", $$"""{"customerId":"{{s.Customer}}","items":[{"productId":"{{s.Product}}","quantity":1}]}""");
        var id = IfMatchSystem.Id(order);
        foreach (var step in before)
        {
            order = await s.SendAsync("POST", $"/orders/{id}/{step}");
        }

        return new("POST", $"/orders/{id}/{transition}", body, IfMatchSystem.Version(order));
    }

    private static async Task<Target> PaymentAsync(IfMatchSystem s, bool captured, string action, string? body)
    {
        var payment = await s.SendAsync("POST", "/payments/authorizations",
            $$"""{"orderId":"{{Guid.NewGuid()}}","paymentMethodId":"{{s.Card}}","amount":10,"currency":"EUR","customerId":"{{s.Customer}}"}""");
        var id = IfMatchSystem.Id(payment);
        if (captured)
        {
            payment = await s.SendAsync("POST", $"/payments/{id}/capture", "{}");
        }

        return new("POST", $"/payments/{id}/{action}", body, IfMatchSystem.Version(payment));
    }

    private sealed record Target(string Method, string Path, string? Body, int Version);
}
