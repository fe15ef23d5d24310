using System.Text.RegularExpressions;
using Commerce.Customer.Contracts;
using Commerce.Customer.Purchases;
using Commerce.Customer.SignIn;
using Commerce.ServiceDefaults.Audit;
using Commerce.ServiceDefaults.Security;
using Microsoft.AspNetCore.Identity;

namespace Commerce.Customer.Profiles;

public static partial class CustomerEndpoints
{
    private static readonly CustomerPreferences DefaultPreferences = new("en", "USD", [NotificationChannel.Email]);

    public static IEndpointRouteBuilder MapCustomers(this IEndpointRouteBuilder routes)
    {
        var customers = routes.MapContextGroup("Customer", "/customers").AuditsOperatorReads();
        // Every customer's profile: for subscribers rebuilding their caches (and operators), never for shoppers.
        customers.MapGet("/", List).WithName("ListCustomers").WithTags("Operator")
            .RequireAuthorization(Access.ClientsOnly(andOperators: true, Clients.For("Order"), Clients.For("Notification")));
        // Owners that read any customer: Order snapshots addresses at submit, Notification caches contacts, Payment
        // checks a card's customer exists.
        customers.MapGet("/{id:guid}", Get).WithName("GetCustomer").ProducesProblems(404)
            .RequireAuthorization(Access.CustomersAnd(Clients.For("Order"), Clients.For("Notification"), Clients.For("Payment")));
        // Registration is how a shopper gets an account (and so a token): open to everyone.
        customers.MapPost("/", Register).WithName("RegisterCustomer").ProducesProblems(409).AllowAnonymous();
        customers.MapPut("/{id:guid}", UpdateProfile).WithName("UpdateCustomerProfile").AcceptsIfMatch().ProducesProblems(404)
            .RequireAuthorization(Access.Customers);
        customers.MapPost("/{id:guid}/addresses", AddAddress).WithName("AddCustomerAddress").AcceptsIfMatch().ProducesProblems(404, 422)
            .RequireAuthorization(Access.Customers);
        // The shop grants membership levels (no purchase flow exists): a customer cannot upgrade themself.
        customers.MapPost("/{id:guid}/membership", UpgradeMembership).WithName("UpgradeCustomerMembership").AcceptsIfMatch().ProducesProblems(404, 422)
            .RequireAuthorization(Access.Operators);
        customers.MapPost("/{id:guid}/suspend", Suspend).WithName("SuspendCustomer").AcceptsIfMatch().ProducesProblems(404)
            .RequireAuthorization(Access.Operators);
        // A customer may close their own account.
        customers.MapDelete("/{id:guid}", Delete).WithName("DeleteCustomer").AcceptsIfMatch().ProducesProblems(404)
            .RequireAuthorization(Access.Customers);
        return routes;
    }

    /// <summary>Live customers in id order, a page at a time: pass the previous page's <c>next</c> as <c>after</c> (keyset paging,
    /// so customers registered meanwhile are never skipped or listed twice).</summary>
    private static async Task<Results<Ok<CustomerPage>, ValidationProblem>> List(
        Guid? after, int? limit, CustomerDbContext db, CancellationToken cancellationToken)
    {
        var size = limit ?? Limits.ListPage;
        var validation = new ValidationErrors().Check(size is >= 1 and <= Limits.ListPageMax, "limit", $"Between 1 and {Limits.ListPageMax}.");
        if (validation.Any)
        {
            return validation.Problem();
        }

        var page = await db.Customers.AsNoTracking()
            .Where(c => c.Status != CustomerStatus.Deleted && (after == null || c.Id.CompareTo(after.Value) > 0))
            .OrderBy(c => c.Id)
            .Take(size)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new CustomerPage([.. page.Select(ToResponse)], page.Count == size ? page[^1].Id : null));
    }

    private static async Task<Results<Ok<CustomerResponse>, ProblemHttpResult>> Get(
        Guid id, CustomerDbContext db, HttpContext context, Caller caller, CancellationToken cancellationToken)
    {
        // A customer reads only themself; another's profile answers as a missing one, so ids cannot be probed. The
        // services the route admits read anyone.
        if (caller.IsCustomer && !caller.MayActFor(id))
        {
            return Problems.NotFound($"No customer {id}.");
        }

        var customer = await db.Customers.AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == id && c.Status != CustomerStatus.Deleted, cancellationToken);
        if (customer is null)
        {
            return Problems.NotFound($"No customer {id}.");
        }

        context.Response.Headers.ETag = ETags.For(customer.Version);
        var purchases = await db.PurchasesOfAsync(customer.Id, cancellationToken);
        return TypedResults.Ok(ToResponse(customer) with
        {
            Purchases = purchases.Totals,
            PaymentMethods = purchases.Cards,
            Coupons = purchases.Coupons,
        });
    }

    private static async Task<Results<Created<CustomerResponse>, ValidationProblem, ProblemHttpResult>> Register(
        RegisterCustomerRequest request,
        CustomerDbContext db,
        TimeProvider clock,
        HttpContext context,
        Caller caller,
        IPasswordHasher<CustomerCredential> passwords,
        ILogger<CustomerDbContext> logger,
        CancellationToken cancellationToken)
    {
        var preferences = request.Preferences ?? DefaultPreferences;
        var validation = new ValidationErrors();
        ValidateProfile(validation, request.Name, request.Email, request.Phone, preferences);
        if (request.Password is not null || !caller.IsOperator)
        {
            validation.Check(request.Password is { Length: >= Limits.PasswordMin and <= Limits.PasswordMax },
                "password", $"Between {Limits.PasswordMin} and {Limits.PasswordMax} characters.");
        }

        if (request.Addresses is { Count: > Limits.AddressesPerCustomer })
        {
            validation.Add("addresses", $"At most {Limits.AddressesPerCustomer}.");
        }

        for (var i = 0; i < Math.Min(request.Addresses?.Count ?? 0, Limits.AddressesPerCustomer); i++)
        {
            ValidateAddress(validation, $"addresses[{i}].", request.Addresses![i]);
        }

        if (validation.Any)
        {
            return validation.Problem();
        }

        var email = request.Email.Trim();
        var normalizedEmail = email.ToLowerInvariant();
        if (await db.Customers.AnyAsync(
                c => c.NormalizedEmail == normalizedEmail && c.Status != CustomerStatus.Deleted, cancellationToken))
        {
            return EmailTaken();
        }

        var now = clock.GetUtcNow();
        var customer = NewCustomer(Guid.CreateVersion7(), request, preferences, now);
        db.Customers.Add(customer);
        if (request.Password is not null)
        {
            db.Users.Add(NewCredential(customer.Id, request.Password, passwords));
        }

        db.AddEvent(Registered(customer), customer.Id, customer.Version, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (Checks.IsUniqueViolation(exception))
        {
            return EmailTaken();
        }

        logger.LogInformation("Registered customer {CustomerId}", customer.Id);
        context.Response.Headers.ETag = ETags.For(customer.Version);
        return TypedResults.Created($"/customers/{customer.Id}", ToResponse(customer));
    }

    private static Task<Results<Ok<CustomerResponse>, ValidationProblem, ProblemHttpResult>> UpdateProfile(
        Guid id,
        UpdateCustomerProfileRequest request,
        CustomerDbContext db,
        HttpContext context,
        Caller caller,
        CancellationToken cancellationToken)
    {
        var validation = new ValidationErrors();
        ValidateProfile(validation, request.Name, request.Email, request.Phone, request.Preferences);
        return ChangeAsync(id, validation, db, context, caller, async (customer, now) =>
        {
            var email = request.Email.Trim();
            var normalizedEmail = email.ToLowerInvariant();
            if (normalizedEmail != customer.NormalizedEmail && await db.Customers.AnyAsync(
                    c => c.NormalizedEmail == normalizedEmail && c.Status != CustomerStatus.Deleted && c.Id != id,
                    cancellationToken))
            {
                return EmailTaken();
            }

            customer.Name = request.Name.Trim();
            customer.Email = email;
            customer.NormalizedEmail = normalizedEmail;
            customer.Phone = NormalizePhone(request.Phone);
            customer.Language = request.Preferences.Language;
            customer.Currency = request.Preferences.Currency;
            customer.NotificationChannels = [.. request.Preferences.NotificationChannels.Select(c => c.ToString())];
            return Change.Publish(new CustomerProfileUpdated(customer.Id, customer.Name, customer.Email, customer.Phone, PreferencesOf(customer)));
        }, cancellationToken);
    }

    private static Task<Results<Ok<CustomerResponse>, ValidationProblem, ProblemHttpResult>> AddAddress(
        Guid id,
        AddressInput request,
        CustomerDbContext db,
        HttpContext context,
        Caller caller,
        CancellationToken cancellationToken)
    {
        var validation = new ValidationErrors();
        ValidateAddress(validation, "", request);
        return ChangeAsync(id, validation, db, context, caller, (customer, now) =>
        {
            if (customer.Addresses.Count >= Limits.AddressesPerCustomer)
            {
                return Problems.Unprocessable($"A customer has at most {Limits.AddressesPerCustomer} addresses.");
            }

            var address = AttachAddress(customer, request, now);
            db.Entry(address).State = EntityState.Added;
            return Change.Publish(new CustomerAddressAdded(customer.Id, ToResponse(address)));
        }, cancellationToken);
    }

    private static Task<Results<Ok<CustomerResponse>, ValidationProblem, ProblemHttpResult>> UpgradeMembership(
        Guid id,
        UpgradeMembershipRequest request,
        CustomerDbContext db,
        HttpContext context,
        Caller caller,
        CancellationToken cancellationToken)
    {
        var validation = new ValidationErrors();
        if (!Enum.IsDefined(request.Level))
        {
            validation.Add("level", "Unknown membership level.");
        }

        return ChangeAsync(id, validation, db, context, caller, (customer, _) =>
        {
            if (request.Level <= customer.Membership)
            {
                return Problems.Unprocessable($"{request.Level} is not an upgrade from {customer.Membership}.");
            }

            var from = customer.Membership;
            customer.Membership = request.Level;
            return Change.Publish(new CustomerMembershipUpgraded(customer.Id, from, customer.Membership));
        }, cancellationToken);
    }

    private static Task<Results<Ok<CustomerResponse>, ValidationProblem, ProblemHttpResult>> Suspend(
        Guid id,
        SuspendCustomerRequest request,
        CustomerDbContext db,
        HttpContext context,
        Caller caller,
        CancellationToken cancellationToken)
    {
        var validation = new ValidationErrors();
        validation.Text(request.Reason, "reason", Limits.Reason).NoCardNumber(request.Reason, "reason");
        return ChangeAsync(id, validation, db, context, caller, (customer, _) =>
        {
            customer.Status = CustomerStatus.Suspended;
            customer.SuspensionReason = request.Reason.Trim();
            return Change.Publish(new CustomerSuspended(customer.Id, customer.SuspensionReason));
        }, cancellationToken);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, CustomerDbContext db, HttpContext context, Caller caller, CancellationToken cancellationToken)
    {
        var changed = await ChangeAsync(id, db, context, caller, (customer, now) =>
        {
            customer.Status = CustomerStatus.Deleted;
            customer.DeletedAt = now;
            return Task.FromResult(Change.Publish(new CustomerDeleted(customer.Id)));
        }, cancellationToken, allowSuspended: true);
        return changed.Problem is { } problem ? problem : TypedResults.NoContent();
    }

    /// <summary>
    /// Rejects invalid input, then changes a live customer through the shared pipeline: a suspended customer only
    /// when <paramref name="allowSuspended"/>, and UpdatedAt moves with every change.
    /// </summary>
    private static async Task<Results<Ok<CustomerResponse>, ValidationProblem, ProblemHttpResult>> ChangeAsync<TEvent>(
        Guid id,
        ValidationErrors validation,
        CustomerDbContext db,
        HttpContext context,
        Caller caller,
        Func<CustomerProfile, DateTimeOffset, Task<Change<TEvent>>> change,
        CancellationToken cancellationToken)
        where TEvent : notnull
    {
        if (validation.Any)
        {
            return validation.Problem();
        }

        var changed = await ChangeAsync(id, db, context, caller, change, cancellationToken);
        return changed.Problem is { } problem ? problem : TypedResults.Ok(ToResponse(changed.Aggregate!));
    }

    private static Task<Results<Ok<CustomerResponse>, ValidationProblem, ProblemHttpResult>> ChangeAsync<TEvent>(
        Guid id,
        ValidationErrors validation,
        CustomerDbContext db,
        HttpContext context,
        Caller caller,
        Func<CustomerProfile, DateTimeOffset, Change<TEvent>> change,
        CancellationToken cancellationToken)
        where TEvent : notnull =>
        ChangeAsync(id, validation, db, context, caller, (customer, now) => Task.FromResult(change(customer, now)), cancellationToken);

    private static async Task<Changed<CustomerProfile>> ChangeAsync<TEvent>(
        Guid id,
        CustomerDbContext db,
        HttpContext context,
        Caller caller,
        Func<CustomerProfile, DateTimeOffset, Task<Change<TEvent>>> change,
        CancellationToken cancellationToken,
        bool allowSuspended = false)
        where TEvent : notnull
    {
        // Another customer's profile is changed as a missing one is: 404, nothing written, ids cannot be probed.
        var customer = caller.MayActFor(id)
            ? await db.Customers.FirstOrDefaultAsync(c => c.Id == id && c.Status != CustomerStatus.Deleted, cancellationToken)
            : null;
        try
        {
            return await db.ChangeAsync(context, customer, $"No customer {id}.", async (c, now) =>
            {
                if (c.Status == CustomerStatus.Suspended && !allowSuspended)
                {
                    return Problems.Conflict($"Customer {id} is suspended.");
                }

                c.UpdatedAt = now;
                return await change(c, now);
            }, cancellationToken);
        }
        catch (DbUpdateException exception) when (Checks.IsUniqueViolation(exception))
        {
            return new(customer, EmailTaken());
        }
    }

    private static ProblemHttpResult EmailTaken() => Problems.Conflict("A customer with this e-mail address exists.");

    /// <summary>The customer's credential, saved with the profile: a customer never exists half-registered.</summary>
    internal static CustomerCredential NewCredential(Guid customerId, string password, IPasswordHasher<CustomerCredential> passwords)
    {
        var credential = new CustomerCredential
        {
            Id = customerId,
            UserName = customerId.ToString(),
            NormalizedUserName = customerId.ToString().ToUpperInvariant(),
            SecurityStamp = Guid.NewGuid().ToString("N"),
            LockoutEnabled = true,
        };
        credential.PasswordHash = passwords.HashPassword(credential, password);
        return credential;
    }

    internal static CustomerProfile NewCustomer(Guid id, RegisterCustomerRequest request, CustomerPreferences preferences, DateTimeOffset now)
    {
        var email = request.Email.Trim();
        var customer = new CustomerProfile
        {
            Id = id,
            Name = request.Name.Trim(),
            Email = email,
            NormalizedEmail = email.ToLowerInvariant(),
            Phone = NormalizePhone(request.Phone),
            Language = preferences.Language,
            Currency = preferences.Currency,
            NotificationChannels = [.. preferences.NotificationChannels.Select(c => c.ToString())],
            CreatedAt = now,
            UpdatedAt = now,
        };
        foreach (var address in request.Addresses ?? [])
        {
            AttachAddress(customer, address, now);
        }

        return customer;
    }

    internal static CustomerRegistered Registered(CustomerProfile customer) =>
        new(customer.Id, customer.Name, customer.Email, customer.Phone, customer.Membership, PreferencesOf(customer),
            [.. customer.Addresses.Select(ToResponse)]);

    private static CustomerAddress AttachAddress(CustomerProfile customer, AddressInput input, DateTimeOffset now)
    {
        var sameKind = customer.Addresses.Where(a => a.Kind == input.Kind).ToList();
        var isDefault = input.IsDefault || sameKind.Count == 0;
        if (isDefault)
        {
            sameKind.ForEach(a => a.IsDefault = false);
        }

        var address = new CustomerAddress
        {
            Id = Guid.CreateVersion7(),
            CustomerId = customer.Id,
            Kind = input.Kind,
            Recipient = input.Recipient.Trim(),
            Line1 = input.Line1.Trim(),
            Line2 = string.IsNullOrWhiteSpace(input.Line2) ? null : input.Line2.Trim(),
            City = input.City.Trim(),
            Region = string.IsNullOrWhiteSpace(input.Region) ? null : input.Region.Trim(),
            PostalCode = input.PostalCode.Trim(),
            Country = input.Country,
            IsDefault = isDefault,
            CreatedAt = now,
        };
        customer.Addresses.Add(address);
        return address;
    }

    private static void ValidateProfile(
        ValidationErrors validation, string? name, string? email, string? phone, CustomerPreferences? preferences)
    {
        validation.Text(name, "name", Limits.Name).NoCardNumber(name, "name");
        validation.Text(email, "email", Limits.Email);
        if (!string.IsNullOrWhiteSpace(email) && !Checks.IsEmailAddress(email))
        {
            validation.Add("email", "Not an e-mail address.");
        }

        if (phone is not null && !PhonePattern().IsMatch(phone))
        {
            validation.Add("phone", "An international number, e.g. +15551234567.");
        }

        if (preferences is null)
        {
            validation.Add("preferences", "Required.");
            return;
        }

        if (preferences.Language is null || !LanguagePattern().IsMatch(preferences.Language))
        {
            validation.Add("preferences.language", "A language tag, e.g. en or fr-CA.");
        }

        validation.Check(Checks.IsCurrencyCode(preferences.Currency), "preferences.currency", "A three-letter upper-case ISO 4217 code, e.g. USD.");
        if (preferences.NotificationChannels is null)
        {
            validation.Add("preferences.notificationChannels", "Required (may be empty).");
        }
        else if (preferences.NotificationChannels.Any(c => !Enum.IsDefined(c)) ||
                 preferences.NotificationChannels.Distinct().Count() != preferences.NotificationChannels.Count)
        {
            validation.Add("preferences.notificationChannels", "Distinct known channels.");
        }
    }

    private static void ValidateAddress(ValidationErrors validation, string prefix, AddressInput? address)
    {
        if (address is null)
        {
            validation.Add(prefix.TrimEnd('.'), "Required.");
            return;
        }

        if (!Enum.IsDefined(address.Kind))
        {
            validation.Add(prefix + "kind", "Billing or Shipping.");
        }

        validation.Text(address.Recipient, prefix + "recipient", Limits.Name);
        validation.Text(address.Line1, prefix + "line1", Limits.AddressLine);
        validation.Check(address.Line2 is null || address.Line2.Length <= Limits.AddressLine, prefix + "line2", $"At most {Limits.AddressLine} characters.");
        validation.Text(address.City, prefix + "city", Limits.City);
        validation.Check(address.Region is null || address.Region.Length <= Limits.City, prefix + "region", $"At most {Limits.City} characters.");
        foreach (var (field, value) in new[] { ("recipient", address.Recipient), ("line1", address.Line1), ("line2", address.Line2), ("city", address.City), ("region", address.Region) })
        {
            validation.NoCardNumber(value, prefix + field);
        }

        validation.Text(address.PostalCode, prefix + "postalCode", Limits.PostalCode);
        if (address.Country is null || address.Country.Length != 2 || !address.Country.All(char.IsAsciiLetterUpper))
        {
            validation.Add(prefix + "country", "An ISO 3166-1 alpha-2 code, e.g. US.");
        }
    }

    private static string? NormalizePhone(string? phone) => phone?.Trim();

    private static CustomerPreferences PreferencesOf(CustomerProfile customer) =>
        new(customer.Language, customer.Currency, [.. customer.NotificationChannels.Select(Enum.Parse<NotificationChannel>)]);

    private static AddressResponse ToResponse(CustomerAddress a) =>
        new(a.Id, a.Kind, a.Recipient, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country, a.IsDefault);

    internal static CustomerResponse ToResponse(CustomerProfile customer)
    {
        var addresses = customer.Addresses.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).Select(ToResponse).ToList();
        return new CustomerResponse(
            customer.Id,
            customer.Name,
            customer.Email,
            customer.Phone,
            customer.Status,
            customer.Membership,
            PreferencesOf(customer),
            addresses,
            addresses.FirstOrDefault(a => a.Kind == AddressKind.Billing && a.IsDefault),
            addresses.FirstOrDefault(a => a.Kind == AddressKind.Shipping && a.IsDefault),
            customer.Version);
    }

    // No whitespace, control characters or RFC 5322 specials (which would need quoting): markup and mail-header
    // injection arrive that way.
    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")]
    private static partial Regex LanguagePattern();
}
