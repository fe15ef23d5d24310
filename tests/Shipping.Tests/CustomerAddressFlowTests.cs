using System.Net;
using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Commerce.Shipping.Contracts;
using Commerce.Testing;

namespace Commerce.Shipping.Tests;

/// <summary>Shipping with Customer beside it: customers' addresses reach Shipping's copy over the outbox.</summary>
public sealed class CustomerAddressFlowFixture : ContextFixture
{
    protected override string Contexts => "Shipping,Customer";
}

public sealed class CustomerAddressFlowTests(CustomerAddressFlowFixture fixture) : IClassFixture<CustomerAddressFlowFixture>
{
    [Fact]
    public async Task RegisteredAndAddedAddresses_AreListed_WithWhetherTheCarrierServesThem()
    {
        var email = $"ae-{Guid.NewGuid():N}@example.com";
        // One address given at registration, the others added later: both are announced.
        var registered = await fixture.Anonymous.PostAsJsonAsync("/customers", new RegisterCustomerRequest("Annie Easley", email,
            Addresses: [new AddressInput(AddressKind.Shipping, "A. Easley", "21000 Brookpark Rd", "Cleveland", "44135", "US", Region: "OH", IsDefault: true)],
            Password: TestIdentity.CustomerPassword), CommerceJson.Options);
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        var customer = (await registered.Content.ReadFromJsonAsync<CustomerResponse>(CommerceJson.Options))!;
        var own = await fixture.App.CustomerClientAsync(email);
        foreach (var address in new[]
                 {
                     new AddressInput(AddressKind.Shipping, "A. Easley", "1 Harbour St", "Reykjavik", "101", "IS"),
                     new AddressInput(AddressKind.Shipping, "A. Easley", "2 Nowhere Rd", "Cleveland", TestAddresses.UndeliverablePostalCode, "US"),
                     new AddressInput(AddressKind.Shipping, "A. Easley", "3 Far Away", "Lima", "15001", "PE"),
                     new AddressInput(AddressKind.Billing, "A. Easley", "4 Billing Ave", "Cleveland", "44101", "US"),
                 })
        {
            (await own.PostAsJsonAsync($"/customers/{customer.Id}/addresses", address, CommerceJson.Options)).EnsureSuccessStatusCode();
        }

        // The customer reads their own; billing addresses are not Shipping's.
        var listed = await Poll.UntilAsync(
            () => own.GetFromJsonAsync<List<CustomerShippingAddressResponse>>($"/shipments/customers/{customer.Id}/addresses", CommerceJson.Options),
            a => a!.Count == 4);
        Assert.Equal(
            [("21000 Brookpark Rd", true), ("1 Harbour St", true), ("2 Nowhere Rd", false), ("3 Far Away", false)],
            listed!.Select(a => (a.Line1, a.CarrierServes)).ToList());

        // Operators read anyone's; another customer's answer 404.
        Assert.Equal(4, (await fixture.Client.GetFromJsonAsync<List<CustomerShippingAddressResponse>>(
            $"/shipments/customers/{customer.Id}/addresses", CommerceJson.Options))!.Count);
        Assert.Equal(HttpStatusCode.NotFound, (await own.GetAsync($"/shipments/customers/{Guid.NewGuid()}/addresses")).StatusCode);
    }

    [Fact]
    public async Task AddressEvents_InEveryOrderWithDuplicates_KeepEveryAddress()
    {
        // Each delivery order gets its own customer and its own addresses: both ids share the renamed prefix.
        var prefix = Guid.NewGuid().ToString()[..24];
        var id = Guid.Parse(prefix + "000000000000");
        AddressResponse Address(int n, string line1) =>
            new(Guid.Parse($"{prefix}{n:D12}"), AddressKind.Shipping, "R", line1, null, "Oslo", null, "0150", "NO", false);
        var events = new List<EventEnvelope>
        {
            TestSupport.Envelope("Customer", id.ToString(), 2, new CustomerAddressAdded(id, Address(1, "First"))),
            TestSupport.Envelope("Customer", id.ToString(), 3, new CustomerAddressAdded(id, Address(2, "Second"))),
            TestSupport.Envelope("Customer", id.ToString(), 5, new CustomerAddressAdded(id, Address(3, "Third"))),
        };

        var converged = await Convergence.AssertEveryOrderConvergesAsync(fixture.Client, "shipping", events, prefix,
            () => Guid.NewGuid().ToString()[..24],
            async copy => string.Join(" ", (await fixture.Sql.RowsAsync(
                "SELECT line1, source_version FROM shipping.customer_addresses WHERE customer_id = $1 ORDER BY source_version", Guid.Parse(copy + "000000000000")))
                .SelectMany(row => row)));

        Assert.Equal("First 2 Second 3 Third 5", converged);
    }
}
