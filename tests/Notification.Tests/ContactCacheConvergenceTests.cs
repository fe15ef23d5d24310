using Commerce.Customer.Contracts;
using Commerce.Host.Testing;

namespace Commerce.Notification.Tests;

/// <summary>Notification's contact cache ends at Customer's latest state whatever order, and however often, Customer's real events arrive.</summary>
public sealed class ContactCacheConvergenceTests(NotificationFixture notification, OwnersFixture owners)
    : IClassFixture<NotificationFixture>, IClassFixture<OwnersFixture>
{
    [Fact]
    public async Task CustomerEvents_InEveryOrderWithDuplicates_ConvergeToTheLatestContact()
    {
        var customers = owners.Api<ICustomerApi>();
        var customer = await customers.RegisterAsync(new RegisterCustomerRequest("Ada", $"{Guid.NewGuid():N}@example.com", "+15550000001", Password: TestIdentity.CustomerPassword));
        await customers.UpdateProfileAsync(customer.Id, new UpdateCustomerProfileRequest("Ada Lovelace", customer.Email,
            new CustomerPreferences("fr", "EUR", [NotificationChannel.Sms]), "+15550000002"));
        await customers.AddAddressAsync(customer.Id, new AddressInput(AddressKind.Shipping, "Ada", "1 Analytical St", "London", "N1", "GB"));
        var latest = await customers.UpdateProfileAsync(customer.Id, new UpdateCustomerProfileRequest("Ada King", customer.Email,
            new CustomerPreferences("en-GB", "GBP", [NotificationChannel.Email, NotificationChannel.Push])));
        await customers.UpgradeMembershipAsync(customer.Id, new UpgradeMembershipRequest(MembershipLevel.Gold));
        var events = await owners.Sql.OutboxEnvelopesAsync("customer", "Customer", customer.Id.ToString());

        var converged = await Convergence.AssertEveryOrderConvergesAsync(notification.Client, "notification", events, customer.Id.ToString(),
            () => Guid.NewGuid().ToString(), ContactAsync);

        Assert.Equal(["Ada King", customer.Email, null, "en-GB", "0,2", false, latest.Version], (object?[])converged!);
    }

    [Fact]
    public async Task CustomerEventsEndingInDeletion_InEveryOrderWithDuplicates_ConvergeToATombstone()
    {
        var customers = owners.Api<ICustomerApi>();
        var customer = await customers.RegisterAsync(new RegisterCustomerRequest("Bo", $"{Guid.NewGuid():N}@example.com", Password: TestIdentity.CustomerPassword));
        await customers.UpdateProfileAsync(customer.Id, new UpdateCustomerProfileRequest("Bo Diddley", customer.Email,
            new CustomerPreferences("en", "USD", [NotificationChannel.Email])));
        await customers.SuspendAsync(customer.Id, new SuspendCustomerRequest("Chargebacks"));
        await customers.DeleteAsync(customer.Id);
        var events = await owners.Sql.OutboxEnvelopesAsync("customer", "Customer", customer.Id.ToString());

        var converged = await Convergence.AssertEveryOrderConvergesAsync(notification.Client, "notification", events, customer.Id.ToString(),
            () => Guid.NewGuid().ToString(), ContactAsync);

        Assert.Equal(["", "", null, "en", "", true, events[^1].AggregateVersion], (object?[])converged!);
    }

    private async Task<object?> ContactAsync(string customerId) =>
        (await notification.Sql.RowsAsync(
            """
            SELECT name, email, phone, language, array_to_string(channels, ','), deleted, source_version
            FROM notification.customer_contacts WHERE customer_id = $1
            """,
            Guid.Parse(customerId)))
        .SingleOrDefault();
}
