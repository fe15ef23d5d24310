using System.Net;
using System.Net.Http.Json;
using System.Text;
using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.ServiceDefaults;
using Microsoft.AspNetCore.Http;
using Refit;

namespace Commerce.Customer.Tests;

public sealed class CustomerProfileTests(CustomerFixture fixture) : IClassFixture<CustomerFixture>
{
    private static readonly CustomerPreferences Preferences = new("en", "EUR", [NotificationChannel.Email, NotificationChannel.Sms]);

    private readonly ICustomerApi api = RestService.For<ICustomerApi>(
        fixture.Client, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    [Fact]
    public async Task Register_WithAddresses_ReturnsDefaultsOrderSnapshots()
    {
        var registered = await api.RegisterAsync(new RegisterCustomerRequest("Mia Rossi", Email(), "+390612345678", Preferences,
        [
            new AddressInput(AddressKind.Billing, "Mia Rossi", "Via Roma 1", "Roma", "00100", "IT"),
            new AddressInput(AddressKind.Shipping, "Mia Rossi", "Via Po 2", "Torino", "10100", "IT"),
        ], Password: TestIdentity.CustomerPassword));

        var read = await api.GetCustomerAsync(registered.Id);

        Assert.Equal((CustomerStatus.Active, MembershipLevel.Standard, 1), (read.Status, read.Membership, read.Version));
        Assert.Equal("Via Roma 1", read.DefaultBillingAddress?.Line1);
        Assert.Equal("Via Po 2", read.DefaultShippingAddress?.Line1);
        Assert.Equal([NotificationChannel.Email, NotificationChannel.Sms], read.Preferences.NotificationChannels);
        var (type, version, payload) = Assert.Single(await fixture.Sql.EventsAsync("customer", registered.Id));
        Assert.Equal((nameof(CustomerRegistered), 1), (type, version));
        Assert.Equal("EUR", payload.GetProperty("preferences").GetProperty("currency").GetString());
    }

    [Fact]
    public async Task Register_WithoutPreferences_DefaultsToEnglishUsdEmail()
    {
        var registered = await api.RegisterAsync(new RegisterCustomerRequest("No Prefs", Email(), Password: TestIdentity.CustomerPassword));

        Assert.Equal(new CustomerPreferences("en", "USD", [NotificationChannel.Email]).Language, registered.Preferences.Language);
        Assert.Equal([NotificationChannel.Email], registered.Preferences.NotificationChannels);
        Assert.Null(registered.DefaultShippingAddress);
    }

    [Theory]
    [InlineData("""{"name":"A","email":"not-an-email"}""", "email")]
    [InlineData("""{"name":"","email":"a@example.com"}""", "name")]
    [InlineData("""{"name":"A","email":"a@example.com","phone":"12345"}""", "phone")]
    [InlineData("""{"name":"A","email":"a@example.com","preferences":{"language":"english!","currency":"EUR","notificationChannels":[]}}""", "preferences.language")]
    [InlineData("""{"name":"A","email":"a@example.com","preferences":{"language":"en","currency":"EUR","notificationChannels":["Email","Email"]}}""", "preferences.notificationChannels")]
    [InlineData("""{"name":"A","email":"a@example.com","addresses":[{"kind":"Billing","recipient":"A","line1":"x","city":"y","postalCode":"1","country":"usa"}]}""", "addresses[0].country")]
    [InlineData("""{"name":"A","email":"a@example.com","preferences":{"language":"en","currency":"EUR","notificationChannels":["Pigeon"]}}""", null)]
    [InlineData("""{"email":"a@example.com"}""", "name")]
    [InlineData("""not json""", null)]
    public async Task Register_InvalidInput_Returns400AndWritesNothing(string body, string? field)
    {
        var before = await CountsAsync();

        var response = await fixture.Client.PostAsync("/customers", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        if (field is not null)
        {
            var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>();
            Assert.Contains(field, problem!.Errors.Keys);
        }

        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Register_DuplicateEmailIgnoringCase_Returns409()
    {
        var email = Email();
        await api.RegisterAsync(new RegisterCustomerRequest("First", email, Password: TestIdentity.CustomerPassword));
        var before = await CountsAsync();

        var response = await fixture.Client.PostAsJsonAsync(
            "/customers", new RegisterCustomerRequest("Second", email.ToUpperInvariant(), Password: TestIdentity.CustomerPassword), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task UpdateProfile_ChangesProfileAndWritesEvent()
    {
        var customer = await api.RegisterAsync(new RegisterCustomerRequest("Old Name", Email(), Password: TestIdentity.CustomerPassword));

        var updated = await api.UpdateProfileAsync(
            customer.Id, new UpdateCustomerProfileRequest("New Name", Email(), Preferences, "+15551234567"), "\"1\"");

        Assert.Equal(("New Name", "+15551234567", 2), (updated.Name, updated.Phone, updated.Version));
        Assert.Equal([nameof(CustomerRegistered), nameof(CustomerProfileUpdated)],
            (await fixture.Sql.EventsAsync("customer", customer.Id)).Select(e => e.Type));
    }

    [Fact]
    public async Task UpdateProfile_StaleIfMatch_Returns409AndChangesNothing()
    {
        var customer = await api.RegisterAsync(new RegisterCustomerRequest("Racer", Email(), Password: TestIdentity.CustomerPassword));
        await api.UpgradeMembershipAsync(customer.Id, new UpgradeMembershipRequest(MembershipLevel.Silver));

        var response = await fixture.Client.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/customers/{customer.Id}")
        {
            Content = JsonContent.Create(new UpdateCustomerProfileRequest("Lost Update", customer.Email, Preferences), options: CommerceJson.Options),
            Headers = { { "If-Match", "\"1\"" } },
        });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(("Racer", 2), ((await api.GetCustomerAsync(customer.Id)).Name, (await api.GetCustomerAsync(customer.Id)).Version));
    }

    [Fact]
    public async Task AddAddress_NewDefaultReplacesOldDefaultOfSameKind()
    {
        var customer = await api.RegisterAsync(new RegisterCustomerRequest("Mover", Email(), Addresses:
            [new AddressInput(AddressKind.Shipping, "Mover", "Old Street 1", "Oslo", "0150", "NO")], Password: TestIdentity.CustomerPassword));

        var moved = await api.AddAddressAsync(customer.Id, new AddressInput(AddressKind.Shipping, "Mover", "New Street 9", "Bergen", "5003", "NO", IsDefault: true));
        var extraBilling = await api.AddAddressAsync(customer.Id, new AddressInput(AddressKind.Billing, "Mover", "Bank 1", "Oslo", "0151", "NO"));

        Assert.Equal("New Street 9", moved.DefaultShippingAddress?.Line1);
        Assert.Single(moved.Addresses, a => a.IsDefault);
        Assert.Equal("Bank 1", extraBilling.DefaultBillingAddress?.Line1);
        Assert.Equal(3, extraBilling.Version);
        var events = await fixture.Sql.EventsAsync("customer", customer.Id);
        Assert.Equal([nameof(CustomerRegistered), nameof(CustomerAddressAdded), nameof(CustomerAddressAdded)], events.Select(e => e.Type));
    }

    [Fact]
    public async Task UpgradeMembership_NotHigher_Returns422AndChangesNothing()
    {
        var customer = await api.RegisterAsync(new RegisterCustomerRequest("Member", Email(), Password: TestIdentity.CustomerPassword));
        var gold = await api.UpgradeMembershipAsync(customer.Id, new UpgradeMembershipRequest(MembershipLevel.Gold));
        var before = await CountsAsync();

        var response = await fixture.Client.PostAsJsonAsync(
            $"/customers/{customer.Id}/membership", new UpgradeMembershipRequest(MembershipLevel.Silver), CommerceJson.Options);

        Assert.Equal(MembershipLevel.Gold, gold.Membership);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(before, await CountsAsync());
        Assert.Equal(2, (await api.GetCustomerAsync(customer.Id)).Version);
    }

    [Fact]
    public async Task Suspend_ThenChange_Returns409()
    {
        var customer = await api.RegisterAsync(new RegisterCustomerRequest("Suspect", Email(), Password: TestIdentity.CustomerPassword));

        var suspended = await api.SuspendAsync(customer.Id, new SuspendCustomerRequest("Chargebacks"));
        var again = await fixture.Client.PostAsJsonAsync($"/customers/{customer.Id}/suspend", new SuspendCustomerRequest("Again"), CommerceJson.Options);
        var address = await fixture.Client.PostAsJsonAsync($"/customers/{customer.Id}/addresses",
            new AddressInput(AddressKind.Billing, "S", "L", "C", "P", "US"), CommerceJson.Options);

        Assert.Equal(CustomerStatus.Suspended, suspended.Status);
        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict), (again.StatusCode, address.StatusCode));
    }

    [Fact]
    public async Task Delete_IsSoftAndHidesTheCustomer()
    {
        var email = Email();
        var customer = await api.RegisterAsync(new RegisterCustomerRequest("Leaver", email, Password: TestIdentity.CustomerPassword));

        await api.DeleteAsync(customer.Id);
        var read = await fixture.Client.GetAsync($"/customers/{customer.Id}");
        var deleteAgain = await fixture.Client.DeleteAsync($"/customers/{customer.Id}");
        var reRegistered = await api.RegisterAsync(new RegisterCustomerRequest("Returner", email, Password: TestIdentity.CustomerPassword));

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (read.StatusCode, deleteAgain.StatusCode));
        Assert.Equal(1, await fixture.Sql.CountAsync("customer.customers", $"id = '{customer.Id}' AND status = 'Deleted'"));
        Assert.NotEqual(customer.Id, reRegistered.Id);
        Assert.Equal(nameof(CustomerDeleted), (await fixture.Sql.EventsAsync("customer", customer.Id)).Last().Type);
    }

    [Fact]
    public async Task Get_UnknownId_Returns404ProblemDetails()
    {
        var response = await fixture.Client.GetAsync($"/customers/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<(long, long, long)> CountsAsync() => (
        await fixture.Sql.CountAsync("customer.customers"),
        await fixture.Sql.CountAsync("customer.addresses"),
        await fixture.Sql.CountAsync("customer.outbox_messages"));

    private static string Email() => $"{Guid.NewGuid():N}@example.com";
}
