using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Notification.Contracts;
using Commerce.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Commerce.Notification.Tests;

/// <summary>
/// Notification whose Customer, asked for a contact, has its own event caching the same contact at that moment — what a
/// send right after a registration meets when the CustomerRegistered delivery arrives meanwhile. The delivery's insert
/// (version 1) is held uncommitted until Notification's insert of the fetched contact (version 2) waits on it.
/// </summary>
public sealed class ContactRaceFixture : NotificationFixture
{
    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddKeyedTransient<ICustomerApi>(NotificationContext.Name, (_, _) => new OvertakenCustomers(ConnectionString));

    private sealed class OvertakenCustomers(string connectionString) : ICustomerApi
    {
        public async Task<CustomerResponse> GetCustomerAsync(Guid id, CancellationToken cancellationToken = default)
        {
            var delivery = new NpgsqlConnection(connectionString);
            await delivery.OpenAsync(cancellationToken);
            var transaction = await delivery.BeginTransactionAsync(cancellationToken);
            await using (var insert = new NpgsqlCommand(
                             """
                             INSERT INTO notification.customer_contacts (customer_id, name, email, phone, language, channels, deleted, source_version)
                             VALUES ($1, 'Registered', 'registered@example.com', NULL, 'en', ARRAY[0], false, 1)
                             """, delivery, transaction)
            { Parameters = { new() { Value = id } } })
            {
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            _ = CommitWhenWaitedOnAsync(delivery, transaction);
            return new CustomerResponse(id, "Renamed", "renamed@example.com", null, CustomerStatus.Active, MembershipLevel.Standard,
                new CustomerPreferences("en", "USD", [NotificationChannel.Email]), [], null, null, 2);
        }

        private async Task CommitWhenWaitedOnAsync(NpgsqlConnection delivery, NpgsqlTransaction transaction)
        {
            await using (delivery)
            {
                var sql = new Sql(connectionString);
                var deadline = DateTime.UtcNow.AddSeconds(10);
                while (DateTime.UtcNow < deadline && await sql.ScalarAsync<long>(
                           "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 0)
                {
                    await Task.Delay(10);
                }

                await transaction.CommitAsync();
            }
        }

        public Task<CustomerPage> ListCustomersAsync(Guid? after = null, int? limit = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<CustomerResponse> RegisterAsync(RegisterCustomerRequest request, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<CustomerResponse> UpdateProfileAsync(Guid id, UpdateCustomerProfileRequest request, string? ifMatch = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<CustomerResponse> AddAddressAsync(Guid id, AddressInput request, string? ifMatch = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<CustomerResponse> UpgradeMembershipAsync(Guid id, UpgradeMembershipRequest request, string? ifMatch = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<CustomerResponse> SuspendAsync(Guid id, SuspendCustomerRequest request, string? ifMatch = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task DeleteAsync(Guid id, string? ifMatch = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<DataRequestResponse> RequestDataAsync(Guid id, CreateDataRequest request, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<DataRequestResponse> GetDataRequestAsync(Guid id, Guid requestId, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<DataRequestResponse> RecordDataRequestOutcomeAsync(Guid id, Guid requestId, DataRequestOutcome outcome, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}

public sealed class ContactRaceTests(ContactRaceFixture fixture) : IClassFixture<ContactRaceFixture>
{
    [Fact]
    public async Task Send_WhileCustomersEventCachesTheContact_QueuesTheMessageToTheNewestContact()
    {
        var customerId = Guid.NewGuid();

        using var response = await fixture.Client.PostAsJsonAsync("/notifications",
            new SendNotificationRequest(customerId, TemplateKeys.OrderConfirmed), CommerceJson.Options);

        var queued = await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<List<NotificationResponse>>(CommerceJson.Options);
        Assert.Equal("renamed@example.com", Assert.Single(queued!).Recipient);
        Assert.Equal(1, await fixture.Sql.CountAsync("notification.notifications", "customer_id = $1", customerId));
        Assert.Equal(1, await fixture.Sql.CountAsync("notification.customer_contacts", "customer_id = $1 AND source_version = 2", customerId));
    }
}
