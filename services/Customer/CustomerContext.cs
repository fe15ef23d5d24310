using Commerce.Customer.Contracts;
using Commerce.Customer.Profiles;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Commerce.Customer;

public static class CustomerContext
{
    public const string Name = "Customer";

    public static IHostApplicationBuilder AddCustomerContext(this IHostApplicationBuilder builder)
    {
        builder.AddCommerceContext<CustomerDbContext>(Name).SeedDemoData(DemoCustomers.SeedAsync);
        return builder;
    }

    public static IEndpointRouteBuilder MapCustomerContext(this IEndpointRouteBuilder endpoints) => endpoints.MapCustomers();
}

/// <summary>A few demo customers for <c>seed-demo</c>; matched by e-mail, so running it twice adds nothing.</summary>
public static class DemoCustomers
{
    public static IReadOnlyList<RegisterCustomerRequest> Customers { get; } =
    [
        new("Ada Lovelace", "ada@example.com", "+441632960001",
            new CustomerPreferences("en-GB", "GBP", [NotificationChannel.Email, NotificationChannel.Sms]),
            [
                new AddressInput(AddressKind.Billing, "Ada Lovelace", "12 St James's Square", "London", "SW1Y 4JH", "GB"),
                new AddressInput(AddressKind.Shipping, "Ada Lovelace", "12 St James's Square", "London", "SW1Y 4JH", "GB"),
            ]),
        new("Grace Hopper", "grace@example.com", "+12025550142",
            new CustomerPreferences("en-US", "USD", [NotificationChannel.Email, NotificationChannel.Push]),
            [
                new AddressInput(AddressKind.Billing, "Grace Hopper", "1 Navy Pentagon", "Washington", "20350", "US", Region: "DC"),
                new AddressInput(AddressKind.Shipping, "Grace Hopper", "500 Fifth Avenue", "New York", "10110", "US", "Suite 12", "NY"),
            ]),
        new("Alan Turing", "alan@example.com", null,
            new CustomerPreferences("en-GB", "GBP", [NotificationChannel.Email]),
            [new AddressInput(AddressKind.Shipping, "Alan Turing", "Bletchley Park", "Milton Keynes", "MK3 6EB", "GB", "Sherwood Drive")]),
    ];

    public static async Task SeedAsync(CustomerDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var existing = await db.Customers.Select(c => c.NormalizedEmail).ToListAsync(cancellationToken);
        foreach (var request in Customers.Where(c => !existing.Contains(c.Email.ToLowerInvariant())))
        {
            var customer = CustomerEndpoints.NewCustomer(request, request.Preferences!, now);
            db.Customers.Add(customer);
            db.AddEvent(CustomerEndpoints.Registered(customer), customer.Id, customer.Version, now);
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
