using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Commerce.Seller.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Host.Testing;

/// <summary>A seller and the customer account that manages it, with a client of the test's host carrying the seller's token.</summary>
/// <param name="Client">Calls the host with a token holding roles customer and seller and the seller's id (claim seller_id).</param>
public sealed record SellerAccount(Guid SellerId, Guid AccountId, string Email, string DisplayName, HttpClient Client);

/// <summary>
/// Seller identities for tests: a customer account that manages a seller, signed in with a token that says so. Customer
/// learns which account manages which seller from Seller's events, and puts the seller's id in that account's tokens.
/// </summary>
public static class SellerAccounts
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The real path: registers a customer with the token server, makes them a seller through Seller's POST /sellers
    /// on <paramref name="host"/> (which must run Seller), waits until Customer has the seller (the token carries its
    /// id) and until Seller's events about it reached every subscriber, then returns a client with the seller's token.
    /// </summary>
    public static async Task<SellerAccount> SellerClientAsync(this CommerceHostFactory host, string displayName = "Test seller")
    {
        ArgumentNullException.ThrowIfNull(host);
        var (accountId, email) = await RegisterCustomerAsync(host);
        using var customer = await host.CustomerClientAsync(email);
        using var response = await customer.PostAsJsonAsync("/sellers", new RegisterSellerRequest(displayName, email), CommerceJson.Options);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /sellers answered {(int)response.StatusCode}: {body}");
        }

        var seller = JsonSerializer.Deserialize<SellerResponse>(body, CommerceJson.Options)!;
        var token = await SellerTokenAsync(host, email, seller.Id);
        await SellerEventsDeliveredAsync(new Sql(host.AdminConnectionString), seller.Id);
        return new SellerAccount(seller.Id, accountId, email, displayName, TestIdentity.ClientWith(host.Address, token));
    }

    /// <summary>
    /// For hosts without Seller: registers a customer, then delivers a <see cref="SellerRegistered"/> naming them (as
    /// Seller's dispatcher would, version 1) to Customer's inbox at the token server and to <paramref name="subscribers"/>'
    /// inboxes on <paramref name="host"/> (e.g. "product"), and returns a client with the seller's token.
    /// </summary>
    public static async Task<SellerAccount> SellerFromEventAsync(
        this CommerceHostFactory host, string displayName = "Test seller", SellerStatus status = SellerStatus.Active, params string[] subscribers)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(subscribers);
        var (accountId, email) = await RegisterCustomerAsync(host);
        var sellerId = Guid.NewGuid();
        var state = new SellerState(accountId, displayName, email, status);
        await DeliverSellerEventAsync(host, 1, new SellerRegistered(sellerId, state), ["customer", .. subscribers]);
        var token = await SellerTokenAsync(host, email, sellerId);
        return new SellerAccount(sellerId, accountId, email, displayName, TestIdentity.ClientWith(host.Address, token));
    }

    /// <summary>
    /// Delivers one Seller event (version <paramref name="version"/> of the seller it names) to each of
    /// <paramref name="contexts"/>' inboxes: Customer's at the host's token server, the others' at the host.
    /// </summary>
    public static async Task DeliverSellerEventAsync<TEvent>(this CommerceHostFactory host, int version, TEvent payload, params string[] contexts)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(contexts);
        var sellerId = payload switch
        {
            SellerRegistered e => e.SellerId,
            SellerProfileUpdated e => e.SellerId,
            SellerSuspended e => e.SellerId,
            SellerReinstated e => e.SellerId,
            _ => throw new ArgumentException($"{typeof(TEvent).Name} is not a seller's event.", nameof(payload)),
        };
        var envelope = TestSupport.Envelope("Seller", sellerId.ToString(), version, payload);
        foreach (var context in contexts)
        {
            using var client = new HttpClient { BaseAddress = context.Equals("customer", StringComparison.OrdinalIgnoreCase) ? host.TokenServer : host.Address };
            var outcome = await client.DeliverAsync(context.ToLowerInvariant(), envelope);
            if (outcome != InboxOutcome.Processed)
            {
                throw new InvalidOperationException($"{context} did not process {typeof(TEvent).Name} v{version}: {outcome}.");
            }
        }
    }

    /// <summary>The claims of a JWT's payload (not validated: the API under test validates it).</summary>
    public static JsonElement ClaimsOf(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        return JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload))).RootElement.Clone();
    }

    /// <summary>Signs the account in until its token names <paramref name="sellerId"/> (Customer handles Seller's events asynchronously).</summary>
    public static async Task<string> SellerTokenAsync(CommerceHostFactory host, string email, Guid sellerId)
    {
        ArgumentNullException.ThrowIfNull(host);
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (true)
        {
            var token = await TestIdentity.CustomerTokenAsync(host.TokenServer, email);
            if (ClaimsOf(token).TryGetProperty(new ClaimNames().Seller, out var claim) && claim.GetString() == sellerId.ToString())
            {
                return token;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"The token of {email} did not carry seller {sellerId} within {Patience.TotalSeconds} s.");
            }

            await Task.Delay(50);
        }
    }

    private static async Task<(Guid AccountId, string Email)> RegisterCustomerAsync(CommerceHostFactory host)
    {
        var email = $"seller-{Guid.NewGuid():N}@example.com";
        using var tokenServer = new HttpClient { BaseAddress = host.TokenServer };
        using var response = await tokenServer.PostAsJsonAsync("/customers", new { name = "Seller account", email, password = TestIdentity.CustomerPassword });
        response.EnsureSuccessStatusCode();
        return ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(), email);
    }

    /// <summary>Waits until Seller's events about <paramref name="sellerId"/> reached every subscriber (Product, say, before a seller's first product).</summary>
    private static async Task SellerEventsDeliveredAsync(Sql sql, Guid sellerId)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (await sql.ScalarAsync<long>(
                   """
                   SELECT (SELECT count(*) FROM seller.outbox_messages WHERE aggregate_id = $1 AND NOT fanned_out)
                        + (SELECT count(*) FROM seller.outbox_deliveries d JOIN seller.outbox_messages m ON m.id = d.message_id
                           WHERE m.aggregate_id = $1 AND d.status = 0)
                   """,
                   sellerId.ToString()) > 0)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Seller's events about {sellerId} were not delivered within {Patience.TotalSeconds} s.");
            }

            await Task.Delay(50);
        }
    }
}
