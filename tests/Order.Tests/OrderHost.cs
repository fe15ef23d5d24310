using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.Order.Contracts;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;
using Commerce.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Order.Tests;

/// <summary>The host running Order alone on one test class's database, with Product, Customer and Pricing faked.</summary>
public sealed class OrderHost : IAsyncLifetime
{
    private readonly PostgresDatabase<CommerceTemplate> database = new();
    private CommerceHostFactory? factory;

    public FakeProducts Products { get; } = new();

    public FakeCustomers Customers { get; } = new();

    public FakePricing Pricing { get; } = new();

    /// <summary>An operator's client.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The saga worker's client: the transitions are its steps.</summary>
    public HttpClient Worker { get; private set; } = null!;

    public Sql Sql { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        factory = new CommerceHostFactory(database.ConnectionString, "Order", services: s =>
        {
            s.AddKeyedSingleton<IProductApi>(OrderContext.Name, Products);
            s.AddKeyedSingleton<ICustomerApi>(OrderContext.Name, Customers);
            s.AddKeyedSingleton<Commerce.Pricing.Contracts.IPricingApi>(OrderContext.Name, Pricing);
        }).Start();
        Client = await factory.ClientAsAsync(Clients.Operator);
        Worker = await factory.ClientAsAsync(Clients.SagaWorker);
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

    public async Task<OrderResponse> CreateAsync(Guid customerId, params (ProductResponse Product, int Quantity)[] items)
    {
        var response = await Client.PostAsJsonAsync("/orders",
            new CreateOrderRequest(customerId, [.. items.Select(i => new CreateOrderItem(i.Product.Id, i.Quantity))]), CommerceJson.Options);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<OrderResponse>(CommerceJson.Options))!;
    }

    /// <summary>An order for a new customer (with addresses) and one new product.</summary>
    public async Task<OrderResponse> NewOrderAsync()
    {
        var customer = Customers.Add();
        return await CreateAsync(customer.Id, (Products.Add(10m), 2));
    }

    /// <summary>A POST as the saga worker (see <see cref="Worker"/>).</summary>
    public Task<HttpResponseMessage> PostAsync(string path, object? body = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: CommerceJson.Options),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return Worker.SendAsync(request);
    }

    public async Task<OrderResponse> GetAsync(Guid id) =>
        (await Client.GetFromJsonAsync<OrderResponse>($"/orders/{id}", CommerceJson.Options))!;
}
