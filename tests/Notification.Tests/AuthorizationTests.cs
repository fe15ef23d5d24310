using System.Net;
using System.Net.Http.Json;
using System.Text;
using Commerce.Customer.Contracts;
using Commerce.Notification.Contracts;
using Commerce.ServiceDefaults;
using Commerce.Testing;

namespace Commerce.Notification.Tests;

/// <summary>Customer beside Notification: real customers with real tokens, whose contacts Notification asks Customer for.</summary>
public sealed class CustomerAndNotificationFixture : ContextFixture
{
    protected override string Contexts => "Customer,Notification";
}

/// <summary>
/// Issue 11's authorization matrix for Notification's routes (the event inbox is the lead's): every route as every
/// kind of caller, with real tokens. No service calls these routes, so there is no "right service" column. Each caller
/// is tried on a customer and message of its own.
/// </summary>
public sealed class AuthorizationTests(CustomerAndNotificationFixture fixture) : IClassFixture<CustomerAndNotificationFixture>
{
    /// <summary>Each route with the status every caller gets; {owner} is a customer with one queued message, {notification}.</summary>
    public static TheoryData<AccessCase> Routes =>
    [
        new("GET /notifications/templates", HttpMethod.Get, "/notifications/templates", Expect(401, 403, 403, 200, 403)),
        new("GET /notifications/templates/{key}", HttpMethod.Get, $"/notifications/templates/{TemplateKeys.OrderConfirmed}", Expect(401, 403, 403, 200, 403)),
        new("PUT /notifications/templates/{key}", HttpMethod.Put, "/notifications/templates/promo-{unique}", Expect(401, 403, 403, 201, 403),
            """{"subject":"Sale","body":"Everything must go."}"""),
        new("POST /notifications", HttpMethod.Post, "/notifications", Expect(401, 403, 403, 202, 403),
            $$"""{"customerId":"{owner}","templateKey":"{{TemplateKeys.OrderShipped}}"}"""),
        new("GET /notifications/{id}", HttpMethod.Get, "/notifications/{notification}", Expect(401, 404, 200, 200, 403)),
        // Another customer's log is empty, as an unknown customer's is: 200 either way, nothing to probe.
        new("GET /notifications?customerId=", HttpMethod.Get, "/notifications?customerId={owner}", Expect(401, 200, 200, 200, 403)),
        new("GET /notifications/channels/sent", HttpMethod.Get, "/notifications/channels/sent", Expect(401, 403, 403, 200, 403)),
        new("POST /notifications/channels/{channel}/failure", HttpMethod.Post, "/notifications/channels/push/failure", Expect(401, 403, 403, 200, 403),
            """{"enabled":false}"""),
    ];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_AsEachCaller_AnswersWhatItsPolicySays(AccessCase route)
    {
        var (_, otherEmail) = await RegisterAsync();
        var callers = new Dictionary<CallerKind, HttpClient>
        {
            [CallerKind.Anonymous] = fixture.Anonymous,
            [CallerKind.OtherCustomer] = await fixture.App.CustomerClientAsync(otherEmail),
            [CallerKind.Operator] = fixture.Client,
            [CallerKind.WrongService] = await fixture.App.ClientAsAsync(TestIdentity.StrangerClient),
        };

        foreach (var (caller, status) in route.Expected)
        {
            var (owner, ownerEmail) = await RegisterAsync();
            var notification = await QueueAsync(owner);
            if (caller == CallerKind.Customer)
            {
                callers[CallerKind.Customer] = await fixture.App.CustomerClientAsync(ownerEmail);
            }

            await AccessMatrix.AssertAsync(route with
            {
                Path = Fill(route.Path, owner, notification),
                Body = route.Body is null ? null : Fill(route.Body, owner, notification),
                Expected = new Dictionary<CallerKind, int> { [caller] = status },
            }, callers);
        }
    }

    [Fact]
    public async Task List_AnotherCustomersLog_IsEmptyForACustomer_AndTheirOwnIsNot()
    {
        var (owner, ownerEmail) = await RegisterAsync();
        var (_, otherEmail) = await RegisterAsync();
        var notification = await QueueAsync(owner);

        var seenByOther = await (await fixture.App.CustomerClientAsync(otherEmail))
            .GetFromJsonAsync<List<NotificationResponse>>($"/notifications?customerId={owner}", CommerceJson.Options);
        var seenByOwner = await (await fixture.App.CustomerClientAsync(ownerEmail))
            .GetFromJsonAsync<List<NotificationResponse>>($"/notifications?customerId={owner}", CommerceJson.Options);

        Assert.Empty(seenByOther!);
        Assert.Equal(notification, Assert.Single(seenByOwner!).Id);
    }

    [Fact]
    public async Task Get_AnotherCustomersMessage_AnswersAsAMissingOne()
    {
        var (owner, _) = await RegisterAsync();
        var (_, otherEmail) = await RegisterAsync();
        var notification = await QueueAsync(owner);
        var other = await fixture.App.CustomerClientAsync(otherEmail);
        var missing = Guid.NewGuid();

        using var theirs = await other.GetAsync($"/notifications/{notification}");
        using var nobodys = await other.GetAsync($"/notifications/{missing}");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (theirs.StatusCode, nobodys.StatusCode));
        Assert.Equal(
            $"No notification {missing}.",
            (await nobodys.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>())!.Detail);
        Assert.Equal(
            $"No notification {notification}.",
            (await theirs.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>())!.Detail);
    }

    private async Task<(Guid Id, string Email)> RegisterAsync()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        using var response = await fixture.Anonymous.PostAsJsonAsync("/customers",
            new RegisterCustomerRequest("Someone", email, Password: TestIdentity.CustomerPassword), CommerceJson.Options);
        var customer = await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<CustomerResponse>(CommerceJson.Options);
        return (customer!.Id, email);
    }

    /// <summary>An operator's message to <paramref name="customer"/> (e-mail only, the default preference); Notification asks Customer for the contact.</summary>
    private async Task<Guid> QueueAsync(Guid customer)
    {
        using var response = await fixture.Client.PostAsJsonAsync("/notifications",
            new SendNotificationRequest(customer, TemplateKeys.OrderConfirmed, new Dictionary<string, string> { ["orderId"] = "o-1" }), CommerceJson.Options);
        var queued = await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<List<NotificationResponse>>(CommerceJson.Options);
        return Assert.Single(queued!).Id;
    }

    private static string Fill(string text, Guid owner, Guid notification) => text
        .Replace("{owner}", owner.ToString(), StringComparison.Ordinal)
        .Replace("{notification}", notification.ToString(), StringComparison.Ordinal)
        .Replace("{unique}", Guid.NewGuid().ToString("N"), StringComparison.Ordinal);

    /// <summary>The statuses in the matrix's column order.</summary>
    private static Dictionary<CallerKind, int> Expect(int anonymous, int otherCustomer, int customer, int @operator, int wrongService) => new()
    {
        [CallerKind.Anonymous] = anonymous,
        [CallerKind.OtherCustomer] = otherCustomer,
        [CallerKind.Customer] = customer,
        [CallerKind.Operator] = @operator,
        [CallerKind.WrongService] = wrongService,
    };
}

/// <summary>
/// The simulated channels' switch and sent log exist for tests and demos, never in a deployment: Notification alone
/// outside Development, with Authentication and its database set as a deployment sets them. Every request here is
/// anonymous, so no token (and no issuer, which outside Development needs HTTPS) is ever involved.
/// </summary>
public sealed class SimulatorOutsideDevelopmentTests : IAsyncLifetime
{
    private readonly PostgresDatabase<CommerceTemplate> database = new();
    private CommerceHostFactory host = null!;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        host = new CommerceHostFactory(database.ConnectionString, "Notification", new Dictionary<string, string?>
        {
            ["environment"] = "Staging",
            // Nothing listens there: anonymous requests never need the issuer's keys.
            ["Authentication:Authority"] = "http://127.0.0.1:9/",
            ["Authentication:RequireHttpsMetadata"] = "false",
            ["ConnectionStrings:Notification"] = database.ConnectionString,
        }).Start();
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task ChannelSwitchAndSentLog_OutsideDevelopment_AreNotThere()
    {
        using var anonymous = host.CreateClient();

        using var sent = await anonymous.GetAsync("/notifications/channels/sent");
        using var failure = await anonymous.PostAsync("/notifications/channels/email/failure",
            new StringContent("""{"enabled":true}""", Encoding.UTF8, "application/json"));
        using var templates = await anonymous.GetAsync("/notifications/templates");

        Assert.Equal(
            (HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.Unauthorized),
            (sent.StatusCode, failure.StatusCode, templates.StatusCode));
    }
}
