using Commerce.Customer.Contracts;
using Commerce.Customer.DataRequests;
using Commerce.Customer.Privacy;
using Commerce.Customer.Profiles;
using Commerce.Customer.Purchases;
using Commerce.Customer.SignIn;
using Commerce.ServiceDefaults.Demo;
using OpenIddict.EntityFrameworkCore.Models;

namespace Commerce.Customer;

public static class CustomerContext
{
    public const string Name = "Customer";

    public static IHostApplicationBuilder AddCustomerContext(this IHostApplicationBuilder builder)
    {
        builder.AddCommerceContext<CustomerDbContext>(Name)
            .HandleSellerEvents()
            .HandlePurchaseEvents()
            .HoldsCustomersPersonalData()
            .SeedDemoData(CustomerDemoData.SeedAsync)
            // The token server records every token it issues (so a refresh token can be revoked and its reuse caught);
            // a record outlives its token by a day, an ad-hoc authorization its last token by thirty.
            .RetainRecords("issued-tokens", TimeSpan.FromDays(1), (db, cutoff) => db.Set<OpenIddictEntityFrameworkCoreToken<Guid>>()
                .Where(t => t.ExpirationDate < cutoff.UtcDateTime).OrderBy(t => t.ExpirationDate))
            .RetainRecords("token-authorizations", TimeSpan.FromDays(30), (db, cutoff) => db.Set<OpenIddictEntityFrameworkCoreAuthorization<Guid>>()
                .Where(a => a.CreationDate < cutoff.UtcDateTime && !a.Tokens.Any()).OrderBy(a => a.CreationDate));
        builder.AddCustomerTokenServer();
        return builder;
    }

    public static IEndpointRouteBuilder MapCustomerContext(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapCustomers().MapDataRequests().MapTokenEndpoint();
}

/// <summary>
/// Registers the shared demo customers (<see cref="DemoCatalog"/>: fixed ids) with addresses and preferences for
/// <c>seed-demo</c>; matched by id, so running it twice adds nothing.
/// </summary>
public static class CustomerDemoData
{
    private static readonly Dictionary<string, (string? Phone, CustomerPreferences Preferences, AddressInput[] Addresses)> Details = new()
    {
        ["ada@example.com"] = ("+441632960001", new CustomerPreferences("en-GB", "USD", [NotificationChannel.Email, NotificationChannel.Sms]),
        [
            new AddressInput(AddressKind.Billing, "Ada Lovelace", "12 St James's Square", "London", "SW1Y 4JH", "GB"),
            new AddressInput(AddressKind.Shipping, "Ada Lovelace", "12 St James's Square", "London", "SW1Y 4JH", "GB"),
        ]),
        ["alan@example.com"] = (null, new CustomerPreferences("en-GB", "USD", [NotificationChannel.Email]),
        [
            new AddressInput(AddressKind.Billing, "Alan Turing", "Bletchley Park", "Milton Keynes", "MK3 6EB", "GB", "Sherwood Drive"),
            new AddressInput(AddressKind.Shipping, "Alan Turing", "Bletchley Park", "Milton Keynes", "MK3 6EB", "GB", "Sherwood Drive"),
        ]),
        ["grace@example.com"] = ("+12025550142", new CustomerPreferences("en-US", "USD", [NotificationChannel.Email, NotificationChannel.Push]),
        [
            new AddressInput(AddressKind.Billing, "Grace Hopper", "1 Navy Pentagon", "Washington", "20350", "US", Region: "DC"),
            new AddressInput(AddressKind.Shipping, "Grace Hopper", "500 Fifth Avenue", "New York", "10110", "US", "Suite 12", "NY"),
        ]),
    };

    /// <summary>
    /// Customer:DemoPassword (run.sh generates one per machine in .local/identity.env) becomes the demo customers'
    /// password; without it they are seeded unable to sign in.
    /// </summary>
    public static async Task SeedAsync(CustomerDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        var password = services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Customer:DemoPassword"];
        var passwords = services.GetRequiredService<Microsoft.AspNetCore.Identity.IPasswordHasher<CustomerCredential>>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var ids = DemoCatalog.Customers.Select(c => c.Id).ToList();
        var existing = await db.Customers.Where(c => ids.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken);
        foreach (var demo in DemoCatalog.Customers.Where(c => !existing.Contains(c.Id)))
        {
            var (phone, preferences, addresses) = Details.GetValueOrDefault(demo.Email,
                (null, new CustomerPreferences("en", "USD", [NotificationChannel.Email]), []));
            var customer = CustomerEndpoints.NewCustomer(
                demo.Id, new RegisterCustomerRequest(demo.Name, demo.Email, phone, preferences, addresses), preferences, now);
            db.Customers.Add(customer);
            if (!string.IsNullOrEmpty(password))
            {
                db.Users.Add(CustomerEndpoints.NewCredential(customer.Id, password, passwords));
            }

            db.AddEvent(CustomerEndpoints.Registered(customer), customer.Id, customer.Version, now);
        }

        // Customers seeded before a password was configured get one now.
        if (!string.IsNullOrEmpty(password))
        {
            var withCredentials = await db.Users.Where(u => ids.Contains(u.Id)).Select(u => u.Id).ToListAsync(cancellationToken);
            foreach (var id in ids.Where(id => existing.Contains(id) && !withCredentials.Contains(id)))
            {
                db.Users.Add(CustomerEndpoints.NewCredential(id, password, passwords));
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
