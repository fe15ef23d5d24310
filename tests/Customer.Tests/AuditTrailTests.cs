using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Customer.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Commerce.Customer.Tests;

/// <summary>
/// The audit trail on Customer's schema (the shared mechanism every context runs): writes and operators' reads of
/// personal data leave one append-only row each, with who, which client, what, on what, the outcome and the trace.
/// </summary>
public sealed class AuditTrailTests(CustomerFixture fixture) : IClassFixture<CustomerFixture>
{
    private static readonly AddressInput Address = new(AddressKind.Shipping, "Mia Rossi", "Via Po 2", "Torino", "10100", "IT");

    [Fact]
    public async Task OperatorReadingAProfile_IsAudited_NamingTheOperatorClientTheCustomerAndTheTrace()
    {
        var (customer, _) = await RegisterAsync();
        // The caller's trace, sent with the request as traceparent: the record names the trace the request joined.
        using var trace = new Activity("operator looks a customer up").Start();
        var traceId = trace.TraceId.ToHexString();

        using var response = await fixture.Client.GetAsync($"/customers/{customer}");

        response.EnsureSuccessStatusCode();
        var row = Assert.Single(await AuditAsync(customer, "GET"));
        Assert.Equal(new AuditRow(Clients.Operator, Clients.Operator, "GetCustomer", "GET", 200, traceId), row with { RecordedAt = default });
        Assert.InRange(row.RecordedAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task CustomerAddingTheirAddress_IsAuditedWithTheirSubjectAndOutcome200()
    {
        var (customer, email) = await RegisterAsync();
        using var client = await fixture.App.CustomerClientAsync(email);

        using var response = await client.PostAsJsonAsync($"/customers/{customer}/addresses", Address, CommerceJson.Options);

        response.EnsureSuccessStatusCode();
        var row = Assert.Single(await AuditAsync(customer, "POST"));
        Assert.Equal((customer.ToString(), Clients.Storefront, "AddCustomerAddress", 200), (row.Subject, row.ClientId, row.Action, row.Outcome));
    }

    [Fact]
    public async Task RefusedWrite_IsAuditedWithItsStatus_AndNothingElseIsWritten()
    {
        var (customer, email) = await RegisterAsync();
        using var client = await fixture.App.CustomerClientAsync(email);

        using var response = await client.PostAsJsonAsync($"/customers/{customer}/addresses", Address with { Country = "usa" }, CommerceJson.Options);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var row = Assert.Single(await AuditAsync(customer, "POST"));
        Assert.Equal((customer.ToString(), "AddCustomerAddress", 400), (row.Subject, row.Action, row.Outcome));
        Assert.Equal(0, await fixture.Sql.CountAsync("customer.addresses", "customer_id = $1", customer));
    }

    [Fact]
    public async Task AnonymousRegistration_IsAuditedWithTheCreatedCustomersLocation()
    {
        var email = $"{Guid.NewGuid():N}@example.com";

        using var response = await fixture.Anonymous.PostAsJsonAsync("/customers",
            new RegisterCustomerRequest("Self Registered", email, Password: TestIdentity.CustomerPassword), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var rows = await fixture.Sql.RowsAsync(
            "SELECT subject, client_id, outcome FROM customer.audit_records WHERE action = 'RegisterCustomer' AND resource->>'location' = $1",
            response.Headers.Location!.ToString());
        Assert.Equal(new object?[] { null, null, 201 }, Assert.Single(rows));
    }

    [Fact]
    public async Task ReadsByCustomersAndServices_AreNotAudited()
    {
        var (customer, email) = await RegisterAsync();
        using var itself = await fixture.App.CustomerClientAsync(email);
        using var service = await fixture.App.ClientAsAsync("order");

        (await itself.GetAsync($"/customers/{customer}")).EnsureSuccessStatusCode();
        (await service.GetAsync($"/customers/{customer}")).EnsureSuccessStatusCode();
        (await service.GetAsync("/customers?limit=5")).EnsureSuccessStatusCode();

        Assert.Empty(await AuditAsync(customer, "GET"));
        Assert.Equal(0, await fixture.Sql.CountAsync("customer.audit_records", "method = 'GET' AND subject IN ($1, 'order')", customer.ToString()));
    }

    [Fact]
    public async Task AuditRecords_RefuseUpdateDeleteAndTruncate_EvenToTheContextsOwnRole()
    {
        var (customer, _) = await RegisterAsync();
        (await fixture.Client.GetAsync($"/customers/{customer}")).EnsureSuccessStatusCode();
        var id = Assert.Single(await fixture.Sql.RowsAsync(
            "SELECT id FROM customer.audit_records WHERE method = 'GET' AND resource->>'id' = $1", customer.ToString()))[0]!;

        await using var connection = new NpgsqlConnection(CustomerRegistration.ConnectionString);
        await connection.OpenAsync();
        foreach (var sql in new[]
                 {
                     "UPDATE customer.audit_records SET subject = 'someone else' WHERE id = $1",
                     "DELETE FROM customer.audit_records WHERE id = $1",
                     "TRUNCATE customer.audit_records",
                 })
        {
            await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = id } } };
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        }

        Assert.Equal((Clients.Operator, 1L), (
            (await AuditAsync(customer, "GET")).Single().Subject,
            await fixture.Sql.CountAsync("customer.audit_records", "id = $1", id)));
    }

    [Fact]
    public async Task RetentionSweeper_RemovesRowsOlderThan400Days_AndKeepsYoungerOnes()
    {
        var old = await InsertAuditRowAsync(DateTimeOffset.UtcNow.AddDays(-401));
        var young = await InsertAuditRowAsync(DateTimeOffset.UtcNow.AddDays(-399));
        var sweeper = fixture.App.Services.GetServices<IHostedService>().OfType<Commerce.ServiceDefaults.Retention.RetentionSweeper>()
            .Single(s => s.Context.Name == CustomerContext.Name);

        var sweep = await sweeper.SweepOnceAsync(CancellationToken.None);

        Assert.True(sweep.Records["audit-records"] >= 1);
        Assert.Equal((0L, 1L), (
            await fixture.Sql.CountAsync("customer.audit_records", "id = $1", old),
            await fixture.Sql.CountAsync("customer.audit_records", "id = $1", young)));
    }

    [Fact]
    public async Task RetentionBelowAYear_IsRefusedAtStart()
    {
        await using var host = new CommerceHostFactory(fixture.ConnectionString, CustomerContext.Name,
            new Dictionary<string, string?> { ["Commerce:Retention:Records:Customer:audit-records"] = "30.00:00:00" });

        var refused = Assert.ThrowsAny<Exception>(() => host.Start());

        Assert.Contains("audit-records", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetentionSweeper_KeepsAuditRecordsForTheirConfiguredAge()
    {
        var row = await InsertAuditRowAsync(DateTimeOffset.UtcNow.AddDays(-450));
        await using var host = new CommerceHostFactory(fixture.ConnectionString, CustomerContext.Name,
            new Dictionary<string, string?> { ["Commerce:Retention:Records:Customer:audit-records"] = "500.00:00:00" });
        host.Start();
        var sweeper = host.Services.GetServices<IHostedService>().OfType<Commerce.ServiceDefaults.Retention.RetentionSweeper>().Single();

        await sweeper.SweepOnceAsync(CancellationToken.None);

        Assert.Equal(1, await fixture.Sql.CountAsync("customer.audit_records", "id = $1", row));
    }

    [Fact]
    public async Task OpsAudit_PagesOperatorsThroughTheTrail_AndOnlyOperators()
    {
        for (var i = 0; i < 3; i++)
        {
            await RegisterAsync();
        }

        var first = await fixture.Client.GetFromJsonAsync<JsonElement>("/ops/customer/audit?limit=2");
        var rest = await fixture.Client.GetFromJsonAsync<JsonElement>(
            $"/ops/customer/audit?after={first.GetProperty("next").GetInt64()}&limit=1000");
        var records = first.GetProperty("records").EnumerateArray().Concat(rest.GetProperty("records").EnumerateArray()).ToList();

        Assert.Equal(2, first.GetProperty("records").GetArrayLength());
        Assert.Equal(await fixture.Sql.CountAsync("customer.audit_records"), records.Count);
        var ids = records.Select(r => r.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var registration = records.Last(r => r.GetProperty("action").GetString() == "RegisterCustomer");
        Assert.Equal((Clients.Operator, Clients.Operator, "POST", 201), (registration.GetProperty("subject").GetString(),
            registration.GetProperty("clientId").GetString(), registration.GetProperty("method").GetString(), registration.GetProperty("outcome").GetInt32()));
        Assert.StartsWith("/customers/", registration.GetProperty("resource").GetProperty("location").GetString(), StringComparison.Ordinal);

        using var zero = await fixture.Client.GetAsync("/ops/customer/audit?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
        Assert.Equal("application/problem+json", zero.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous.GetAsync("/ops/customer/audit")).StatusCode);
        var (_, email) = await RegisterAsync();
        using var customer = await fixture.App.CustomerClientAsync(email);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.GetAsync("/ops/customer/audit")).StatusCode);
    }

    [Fact]
    public async Task AnAuditThatCannotBeWritten_IsLoggedAndCounted_TheWriteStands_AndOperatorReadsAreRefused()
    {
        var (customer, email) = await RegisterAsync();
        using var client = await fixture.App.CustomerClientAsync(email);
        long failures = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument is { Meter.Name: "Commerce.Audit", Name: "commerce.audit.failures" })
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "commerce.context", Value: CustomerContext.Name })
                {
                    Interlocked.Add(ref failures, value);
                }
            }
        });
        listener.Start();

        var role = CustomerRegistration.Role;
        await fixture.Sql.ScalarAsync<int>($"""REVOKE INSERT ON customer.audit_records FROM "{role}"; SELECT 1""");
        try
        {
            using var write = await client.PostAsJsonAsync($"/customers/{customer}/addresses", Address, CommerceJson.Options);
            using var read = await fixture.Client.GetAsync($"/customers/{customer}");

            Assert.Equal(HttpStatusCode.OK, write.StatusCode);
            Assert.Equal(1, await fixture.Sql.CountAsync("customer.addresses", "customer_id = $1", customer));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
            Assert.Equal("application/problem+json", read.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain(email, await read.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await fixture.Sql.ScalarAsync<int>($"""GRANT INSERT ON customer.audit_records TO "{role}"; SELECT 1""");
        }

        Assert.Empty(await AuditAsync(customer, "POST"));
        Assert.Equal(2, Interlocked.Read(ref failures));
        Assert.Equal(2, fixture.Logs.Count(line => line.StartsWith("Error Commerce.Audit", StringComparison.Ordinal) && line.Contains(customer.ToString(), StringComparison.Ordinal)));
    }

    private CommerceContextRegistration CustomerRegistration =>
        fixture.App.Services.GetServices<CommerceContextRegistration>().Single(r => r.Name == CustomerContext.Name);

    private async Task<(Guid Customer, string Email)> RegisterAsync()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        using var response = await fixture.Client.PostAsJsonAsync("/customers",
            new RegisterCustomerRequest("Mia Rossi", email, Password: TestIdentity.CustomerPassword), CommerceJson.Options);
        response.EnsureSuccessStatusCode();
        return ((await response.Content.ReadFromJsonAsync<CustomerResponse>(CommerceJson.Options))!.Id, email);
    }

    private async Task<List<AuditRow>> AuditAsync(Guid customer, string method) =>
        [.. (await fixture.Sql.RowsAsync(
                """
                SELECT subject, client_id, action, method, outcome, trace_id, recorded_at FROM customer.audit_records
                WHERE resource->>'id' = $1 AND method = $2 ORDER BY id
                """, customer.ToString(), method))
            .Select(r => new AuditRow((string?)r[0], (string?)r[1], (string)r[2]!, (string)r[3]!, (int)r[4]!, (string?)r[5])
            {
                RecordedAt = new DateTimeOffset((DateTime)r[6]!, TimeSpan.Zero),
            })];

    private async Task<long> InsertAuditRowAsync(DateTimeOffset recordedAt) =>
        await fixture.Sql.ScalarAsync<long>(
            """
            INSERT INTO customer.audit_records (recorded_at, subject, client_id, action, method, resource, outcome)
            VALUES ($1, 'operator', 'operator', 'GetCustomer', 'GET', '{}', 200) RETURNING id
            """, recordedAt);

    private sealed record AuditRow(string? Subject, string? ClientId, string Action, string Method, int Outcome, string? TraceId)
    {
        public DateTimeOffset RecordedAt { get; init; }
    }
}
