using System.Collections.Concurrent;
using System.Net;
using Commerce.Customer.Contracts;
using Commerce.Pricing.Contracts;
using Commerce.Product.Contracts;
using Refit;

namespace Commerce.Order.Tests;

/// <summary>Stands in for Product's API: the test sets what Product "says" right now.</summary>
public sealed class FakeProducts : IProductApi
{
    public ConcurrentDictionary<Guid, ProductResponse> Products { get; } = new();

    public ProductResponse Add(decimal price, string currency = "USD", ProductStatus status = ProductStatus.Active)
    {
        var id = Guid.NewGuid();
        var product = new ProductResponse(id, $"SKU-{id:N}"[..16], $"Product {id:N}"[..16], "", "Things", price, currency, status, [], [], null, 1);
        Products[id] = product;
        return product;
    }

    public async Task<ProductResponse> GetProductAsync(Guid id, CancellationToken cancellationToken = default) =>
        Products.TryGetValue(id, out var product) ? product : throw await Fail.NotFoundAsync();

    public Task<ProductPage> SearchProductsAsync(ProductSearch search, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ProductResponse> CreateProductAsync(CreateProductRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ProductResponse> UpdateProductAsync(Guid id, UpdateProductRequest request, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<ProductResponse> ChangePriceAsync(Guid id, ChangePriceRequest request, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<ProductResponse> DiscontinueAsync(Guid id, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();
}

/// <summary>Stands in for Customer's API.</summary>
public sealed class FakeCustomers : ICustomerApi
{
    public ConcurrentDictionary<Guid, CustomerResponse> Customers { get; } = new();

    public CustomerResponse Add(bool withShipping = true)
    {
        var id = Guid.NewGuid();
        var billing = new AddressResponse(Guid.NewGuid(), AddressKind.Billing, "Ada", "1 Bill St", null, "London", null, "N1", "GB", true);
        var shipping = new AddressResponse(Guid.NewGuid(), AddressKind.Shipping, "Ada", "2 Ship Rd", "Flat 3", "Leeds", null, "LS1", "GB", true);
        var customer = new CustomerResponse(id, "Ada", "ada@example.com", null, CustomerStatus.Active, MembershipLevel.Standard,
            new CustomerPreferences("en", "USD", []), withShipping ? [billing, shipping] : [billing], billing, withShipping ? shipping : null, 1);
        Customers[id] = customer;
        return customer;
    }

    public async Task<CustomerResponse> GetCustomerAsync(Guid id, CancellationToken cancellationToken = default) =>
        Customers.TryGetValue(id, out var customer) ? customer : throw await Fail.NotFoundAsync();

    public Task<CustomerPage> ListCustomersAsync(Guid? after = null, int? limit = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new CustomerPage([.. Customers.Values.Where(c => after is null || c.Id.CompareTo(after.Value) > 0).OrderBy(c => c.Id)], null));

    public Task<CustomerResponse> RegisterAsync(RegisterCustomerRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<CustomerResponse> UpdateProfileAsync(Guid id, UpdateCustomerProfileRequest request, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<CustomerResponse> AddAddressAsync(Guid id, AddressInput request, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<CustomerResponse> UpgradeMembershipAsync(Guid id, UpgradeMembershipRequest request, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<CustomerResponse> SuspendAsync(Guid id, SuspendCustomerRequest request, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task DeleteAsync(Guid id, string? ifMatch = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<DataRequestResponse> RequestDataAsync(Guid id, CreateDataRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<DataRequestResponse> GetDataRequestAsync(Guid id, Guid requestId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<DataRequestResponse> RecordDataRequestOutcomeAsync(Guid id, Guid requestId, DataRequestOutcome outcome, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();
}

internal static class Fail
{
    public static async Task<ApiException> NotFoundAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://fake/");
        using var response = new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request };
        return await ApiException.Create(request, HttpMethod.Get, response, new RefitSettings());
    }
}

/// <summary>Stands in for Pricing's API: the test sets the quotes Pricing "made".</summary>
public sealed class FakePricing : IPricingApi
{
    public ConcurrentDictionary<Guid, QuoteResponse> Quotes { get; } = new();

    public async Task<QuoteResponse> GetQuoteAsync(Guid id, CancellationToken cancellationToken = default) =>
        Quotes.TryGetValue(id, out var quote) ? quote : throw await Fail.NotFoundAsync();

    public Task<QuoteResponse> CreateQuoteAsync(CreateQuoteRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<PricingRuleResponse> CreateRuleAsync(PricingRuleRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<PricingRulePage> ListRulesAsync(bool? includeRetired = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<PricingRuleResponse> GetRuleAsync(Guid id, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<PricingRuleResponse> RetireRuleAsync(Guid id, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<ProductDemandResponse> GetDemandAsync(Guid productId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
