using System.Net;
using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Customer.Tests;

/// <summary>
/// Issue 11's authorization matrix for Customer's routes (the token endpoint has its own tests): every route as
/// every kind of caller, with real tokens. Each caller is tried on a customer of its own, so what one caller changes
/// (a deletion, a suspension) never decides another's answer.
/// </summary>
public sealed class AuthorizationTests(CustomerFixture fixture) : IClassFixture<CustomerFixture>
{
    // {owner} is the customer the route is about, {email} an address no one has yet.
    private const string Profile =
        """{"name":"Renamed","email":"{email}","preferences":{"language":"en","currency":"USD","notificationChannels":["Email"]}}""";

    private const string Address = """{"kind":"Shipping","recipient":"R","line1":"1 Road","city":"Oslo","postalCode":"0150","country":"NO"}""";

    /// <summary>Each route with the status every caller gets, and the service that calls it in the running system.</summary>
    public static TheoryData<AccessCase, string?> Routes => new()
    {
        // Subscribers rebuild their caches from it; a customer has no business listing everyone.
        { Case("GET /customers", HttpMethod.Get, "/customers", Expect(401, 403, 403, 200, 403, 200)), "notification" },
        { Case("GET /customers (Order's cache rebuild)", HttpMethod.Get, "/customers", Expect(right: 200)), "order" },
        { Case("GET /customers/{id}", HttpMethod.Get, "/customers/{owner}", Expect(401, 404, 200, 200, 403, 200)), "order" },
        { Case("GET /customers/{id} (Notification's contact)", HttpMethod.Get, "/customers/{owner}", Expect(right: 200)), "notification" },
        { Case("GET /customers/{id} (Payment's card owner)", HttpMethod.Get, "/customers/{owner}", Expect(right: 200)), "payment" },
        // Registration is how a shopper gets an account: open to all.
        {
            Case("POST /customers", HttpMethod.Post, "/customers", Expect(201, 201, 201, 201, 201),
                """{"name":"New","email":"{email}","password":"correct horse battery staple"}"""),
            null
        },
        { Case("PUT /customers/{id}", HttpMethod.Put, "/customers/{owner}", Expect(401, 404, 200, 200, 403), Profile), null },
        { Case("POST /customers/{id}/addresses", HttpMethod.Post, "/customers/{owner}/addresses", Expect(401, 404, 200, 200, 403), Address), null },
        {
            Case("POST /customers/{id}/membership", HttpMethod.Post, "/customers/{owner}/membership", Expect(401, 403, 403, 200, 403),
                """{"level":"Gold"}"""),
            null
        },
        {
            Case("POST /customers/{id}/suspend", HttpMethod.Post, "/customers/{owner}/suspend", Expect(401, 403, 403, 200, 403),
                """{"reason":"Chargebacks"}"""),
            null
        },
        { Case("DELETE /customers/{id}", HttpMethod.Delete, "/customers/{owner}", Expect(401, 404, 204, 204, 403)), null },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_AsEachCaller_AnswersWhatItsPolicySays(AccessCase route, string? rightService)
    {
        var (_, otherEmail) = await RegisterAsync();
        var callers = new Dictionary<CallerKind, HttpClient>
        {
            [CallerKind.Anonymous] = fixture.Anonymous,
            [CallerKind.OtherCustomer] = await fixture.App.CustomerClientAsync(otherEmail),
            [CallerKind.Operator] = fixture.Client,
            [CallerKind.WrongService] = await fixture.App.ClientAsAsync(TestIdentity.StrangerClient),
        };
        if (rightService is not null)
        {
            callers[CallerKind.RightService] = await fixture.App.ClientAsAsync(rightService);
        }

        foreach (var (caller, status) in route.Expected)
        {
            var (owner, ownerEmail) = await RegisterAsync();
            if (caller == CallerKind.Customer)
            {
                callers[CallerKind.Customer] = await fixture.App.CustomerClientAsync(ownerEmail);
            }

            await AccessMatrix.AssertAsync(route with
            {
                Path = Fill(route.Path, owner),
                Body = route.Body is null ? null : Fill(route.Body, owner),
                Expected = new Dictionary<CallerKind, int> { [caller] = status },
            }, callers);
        }
    }

    [Fact]
    public async Task Get_AnotherCustomersProfile_AnswersExactlyAsAMissingOne()
    {
        var (owner, _) = await RegisterAsync();
        var (_, otherEmail) = await RegisterAsync();
        var other = await fixture.App.CustomerClientAsync(otherEmail);
        var missing = Guid.NewGuid();

        using var theirs = await other.GetAsync($"/customers/{owner}");
        using var nobodys = await other.GetAsync($"/customers/{missing}");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (theirs.StatusCode, nobodys.StatusCode));
        Assert.Equal(await ProblemAsync(nobodys, missing), await ProblemAsync(theirs, owner));
    }

    [Fact]
    public async Task Changes_ToAnotherCustomersProfile_Are404AndWriteNothing()
    {
        var (owner, ownerEmail) = await RegisterAsync();
        var (_, otherEmail) = await RegisterAsync();
        var other = await fixture.App.CustomerClientAsync(otherEmail);
        var before = await StateAsync(owner);

        using var update = await other.PutAsync($"/customers/{owner}", Json(Fill(Profile, owner)));
        using var address = await other.PostAsync($"/customers/{owner}/addresses", Json(Address));
        using var delete = await other.DeleteAsync($"/customers/{owner}");

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound], [update.StatusCode, address.StatusCode, delete.StatusCode]);
        Assert.Equal(before, await StateAsync(owner));
        var mine = await (await fixture.App.CustomerClientAsync(ownerEmail)).GetFromJsonAsync<CustomerResponse>($"/customers/{owner}", CommerceJson.Options);
        Assert.Equal((CustomerStatus.Active, 1), (mine!.Status, mine.Version));
    }

    [Fact]
    public async Task Customer_ChangesTheirOwnProfile_WithTheirOwnToken()
    {
        var (owner, email) = await RegisterAsync();
        var self = await fixture.App.CustomerClientAsync(email);

        using var update = await self.PutAsync($"/customers/{owner}", Json(Fill(Profile, owner).Replace("Renamed", "Myself", StringComparison.Ordinal)));
        using var address = await self.PostAsync($"/customers/{owner}/addresses", Json(Address));

        update.EnsureSuccessStatusCode();
        var read = (await address.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<CustomerResponse>(CommerceJson.Options))!;
        Assert.Equal(("Myself", "1 Road", 3), (read.Name, read.DefaultShippingAddress?.Line1, read.Version));
    }

    private async Task<(Guid Id, string Email)> RegisterAsync()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        using var response = await fixture.Anonymous.PostAsJsonAsync("/customers",
            new RegisterCustomerRequest("Someone", email, Password: TestIdentity.CustomerPassword), CommerceJson.Options);
        var customer = await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<CustomerResponse>(CommerceJson.Options);
        return (customer!.Id, email);
    }

    /// <summary>What a change would move: the profile row, its addresses and its events.</summary>
    private async Task<(long, long, long)> StateAsync(Guid customer) => (
        await fixture.Sql.CountAsync("customer.customers", "id = $1 AND version = 1 AND status = 'Active'", customer),
        await fixture.Sql.CountAsync("customer.addresses", "customer_id = $1", customer),
        await fixture.Sql.CountAsync("customer.outbox_messages", "aggregate_id = $1", customer.ToString()));

    /// <summary>A problem's fields but the trace id, with <paramref name="id"/> made anonymous.</summary>
    private static async Task<string> ProblemAsync(HttpResponseMessage response, Guid id)
    {
        var problem = await response.Content.ReadFromJsonAsync<Dictionary<string, object>>();
        problem!.Remove("traceId");
        return string.Join("\n", problem.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))
            .Replace(id.ToString(), "ID", StringComparison.Ordinal);
    }

    private static string Fill(string text, Guid owner) => text
        .Replace("{owner}", owner.ToString(), StringComparison.Ordinal)
        .Replace("{email}", $"{Guid.NewGuid():N}@example.com", StringComparison.Ordinal);

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    private static AccessCase Case(string name, HttpMethod method, string path, Dictionary<CallerKind, int> expected, string? body = null) =>
        new(name, method, path, expected, body);

    /// <summary>The statuses in the matrix's column order; a caller left null is not tried.</summary>
    private static Dictionary<CallerKind, int> Expect(
        int? anonymous = null, int? otherCustomer = null, int? customer = null, int? @operator = null, int? wrongService = null, int? right = null)
    {
        var expected = new Dictionary<CallerKind, int>();
        foreach (var (caller, status) in new[]
                 {
                     (CallerKind.Anonymous, anonymous), (CallerKind.OtherCustomer, otherCustomer), (CallerKind.Customer, customer), (CallerKind.Operator, @operator),
                     (CallerKind.WrongService, wrongService), (CallerKind.RightService, right),
                 })
        {
            if (status is { } s)
            {
                expected[caller] = s;
            }
        }

        return expected;
    }
}
