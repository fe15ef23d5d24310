using Commerce.Customer.Contracts;
using Commerce.Customer.Profiles;
using Commerce.ServiceDefaults.Demo;

namespace Commerce.Customer;

public static class CustomerContext
{
    public const string Name = "Customer";

    public static IHostApplicationBuilder AddCustomerContext(this IHostApplicationBuilder builder)
    {
        builder.AddCommerceContext<CustomerDbContext>(Name).SeedDemoData(CustomerDemoData.SeedAsync);
        return builder;
    }

    public static IEndpointRouteBuilder MapCustomerContext(this IEndpointRouteBuilder endpoints) => endpoints.MapCustomers();
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

    public static async Task SeedAsync(CustomerDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
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
            db.AddEvent(CustomerEndpoints.Registered(customer), customer.Id, customer.Version, now);
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
