using Commerce.Customer.Contracts;
using Commerce.Notification.Contracts;
using Refit;

namespace Commerce.Notification.Sending;

/// <summary>
/// The contact cache: fed by Customer's events, filled on demand from Customer's API when a message is for a
/// customer it has never seen (they registered before Notification subscribed, or their events are still on the
/// way), and rebuilt from Customer's listing by an operator. Every write replaces a whole contact and keeps the
/// newest customer version (<see cref="CachedCopies.ApplyAsync{TCopy}"/>), so the order writes arrive in does not matter.
/// </summary>
internal static class CustomerContacts
{
    public static Task<bool> ApplyAsync(
        NotificationDbContext db, Guid customerId, int version, string name, string email, string? phone, CustomerPreferences preferences,
        CancellationToken cancellationToken)
    {
        List<DeliveryChannel> channels = [.. preferences.NotificationChannels.Select(c => Enum.Parse<DeliveryChannel>(c.ToString()))];
        return db.ApplyAsync<CustomerContact>(
            c => c.CustomerId == customerId,
            version,
            () => new CustomerContact
            {
                CustomerId = customerId,
                Name = name,
                Email = email,
                Phone = phone,
                Language = preferences.Language,
                Channels = channels,
                SourceVersion = version,
            },
            s => s.SetProperty(c => c.Name, name)
                .SetProperty(c => c.Email, email)
                .SetProperty(c => c.Phone, phone)
                .SetProperty(c => c.Language, preferences.Language)
                .SetProperty(c => c.Channels, channels)
                .SetProperty(c => c.Deleted, false),
            cancellationToken);
    }

    /// <summary>
    /// A tombstone without personal data: it outranks every older version of the customer, so a late "registered"
    /// cannot bring the contact back.
    /// </summary>
    public static Task<bool> ForgetAsync(NotificationDbContext db, Guid customerId, int version, CancellationToken cancellationToken) =>
        db.ApplyAsync<CustomerContact>(
            c => c.CustomerId == customerId,
            version,
            () => new CustomerContact { CustomerId = customerId, Name = "", Email = "", Language = "en", Deleted = true, SourceVersion = version },
            s => s.SetProperty(c => c.Name, "")
                .SetProperty(c => c.Email, "")
                .SetProperty(c => c.Phone, (string?)null)
                .SetProperty(c => c.Channels, new List<DeliveryChannel>())
                .SetProperty(c => c.Deleted, true),
            cancellationToken);

    /// <summary>
    /// The contact, asked of Customer when the cache lacks it; null when Customer has no such (live) customer. Customer
    /// not answering throws, so the event that needed the contact fails and its publisher retries it.
    /// </summary>
    public static async Task<CustomerContact?> FindOrFetchAsync(
        NotificationDbContext db, IServiceProvider services, Guid customerId, CancellationToken cancellationToken)
    {
        if (await db.Contacts.FirstOrDefaultAsync(c => c.CustomerId == customerId, cancellationToken) is { } cached)
        {
            return cached;
        }

        CustomerResponse customer;
        try
        {
            // Resolved only on a miss: a host that never misses needs no route to Customer.
            customer = await services.GetRequiredKeyedService<ICustomerApi>(NotificationContext.Name).GetCustomerAsync(customerId, cancellationToken);
        }
        catch (ApiException exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        // Cached at once in a unit of work of its own: Customer's event may be caching the same contact right now, and
        // the loser of that race must apply its copy again (the newest version wins), not fail the caller's save — a
        // send would answer 202 with nothing queued, an event delivery would fail.
        for (var attempt = 1; ; attempt++)
        {
            using var scope = services.CreateScope();
            var own = scope.ServiceProvider.GetRequiredService<NotificationDbContext>();
            await ApplyAsync(own, customer.Id, customer.Version, customer.Name, customer.Email, customer.Phone, customer.Preferences, cancellationToken);
            try
            {
                await own.SaveChangesAsync(cancellationToken);
                break;
            }
            catch (DbUpdateException exception) when (attempt == 1 && Checks.IsUniqueViolation(exception))
            {
            }
        }

        return await db.Contacts.FirstOrDefaultAsync(c => c.CustomerId == customerId, cancellationToken);
    }

    /// <summary>
    /// Every live customer from Customer's listing; then every cached contact Customer did not list is asked for on its
    /// own, and tombstoned when Customer no longer has it.
    /// </summary>
    public static async Task<(int OwnerCopies, int Refreshed)> RebuildAsync(NotificationDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        var customers = services.GetRequiredKeyedService<ICustomerApi>(NotificationContext.Name);
        var listedIds = new HashSet<Guid>();
        var refreshed = 0;
        Guid? after = null;
        do
        {
            var page = await customers.ListCustomersAsync(after, cancellationToken: cancellationToken);
            foreach (var c in page.Items)
            {
                listedIds.Add(c.Id);
                refreshed += await ApplyAsync(db, c.Id, c.Version, c.Name, c.Email, c.Phone, c.Preferences, cancellationToken) ? 1 : 0;
            }

            await db.SaveChangesAsync(cancellationToken);
            after = page.Next;
        }
        while (after is not null);

        var unlisted = await db.Contacts.AsNoTracking().Where(c => !c.Deleted).Select(c => new { c.CustomerId, c.SourceVersion })
            .ToListAsync(cancellationToken);
        foreach (var contact in unlisted.Where(c => !listedIds.Contains(c.CustomerId)))
        {
            try
            {
                var customer = await customers.GetCustomerAsync(contact.CustomerId, cancellationToken);
                refreshed += await ApplyAsync(db, customer.Id, customer.Version, customer.Name, customer.Email, customer.Phone, customer.Preferences,
                    cancellationToken) ? 1 : 0;
            }
            catch (ApiException exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Deleted (Customer answers 404 for deleted customers): outrank every version the cache could hold.
                refreshed += await ForgetAsync(db, contact.CustomerId, int.MaxValue, cancellationToken) ? 1 : 0;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return (listedIds.Count, refreshed);
    }
}
