global using Commerce.Host.Testing;
using Commerce.Customer.Contracts;
using Commerce.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace Commerce.Payment.Tests;

/// <summary>
/// The host serving Payment on one test class's own database, with Customer beside it: Payment asks Customer, over
/// HTTP at this host's own address, whether a card's customer exists. <see cref="Outages"/> takes Customer away.
/// </summary>
public class PaymentFixture : ContextFixture
{
    public ContextOutages Outages { get; } = new();

    protected override string Contexts => "Payment,Customer";

    /// <summary>A newly registered customer's id, for cards of their own.</summary>
    public async Task<Guid> NewCustomerAsync()
    {
        var customers = RestService.For<ICustomerApi>(Client, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });
        return (await customers.RegisterAsync(new RegisterCustomerRequest("Ada Lovelace", $"ada-{Guid.NewGuid():N}@example.com"))).Id;
    }

    protected override void ConfigureServices(IServiceCollection services) =>
        services.ConfigureHttpClientDefaults(client => client.AddHttpMessageHandler(() => new OutageHandler(Outages)));
}
