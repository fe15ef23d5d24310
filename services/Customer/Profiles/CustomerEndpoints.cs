using System.Text.RegularExpressions;
using Commerce.Customer.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Http;
using Commerce.ServiceDefaults.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Commerce.Customer.Profiles;

public static partial class CustomerEndpoints
{
    private static readonly CustomerPreferences DefaultPreferences = new("en", "USD", [NotificationChannel.Email]);

    public static IEndpointRouteBuilder MapCustomers(this IEndpointRouteBuilder routes)
    {
        var customers = routes.MapContextGroup("Customer", "/customers");
        customers.MapGet("/{id:guid}", Get).WithName("GetCustomer");
        customers.MapPost("/", Register).WithName("RegisterCustomer");
        customers.MapPut("/{id:guid}", UpdateProfile).WithName("UpdateCustomerProfile");
        customers.MapPost("/{id:guid}/addresses", AddAddress).WithName("AddCustomerAddress");
        customers.MapPost("/{id:guid}/membership", UpgradeMembership).WithName("UpgradeCustomerMembership");
        customers.MapPost("/{id:guid}/suspend", Suspend).WithName("SuspendCustomer");
        customers.MapDelete("/{id:guid}", Delete).WithName("DeleteCustomer");
        return routes;
    }

    private static async Task<Results<Ok<CustomerResponse>, ProblemHttpResult>> Get(
        Guid id, CustomerDbContext db, HttpContext context, CancellationToken cancellationToken)
    {
        var customer = await db.Customers.AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == id && c.Status != CustomerStatus.Deleted, cancellationToken);
        if (customer is null)
        {
            return Problems.NotFound($"No customer {id}.");
        }

        context.Response.Headers.ETag = ETags.For(customer.Version);
        return TypedResults.Ok(ToResponse(customer));
    }

    private static async Task<Results<Created<CustomerResponse>, ValidationProblem, ProblemHttpResult>> Register(
        RegisterCustomerRequest request,
        CustomerDbContext db,
        TimeProvider clock,
        HttpContext context,
        ILogger<CustomerDbContext> logger,
        CancellationToken cancellationToken)
    {
        var preferences = request.Preferences ?? DefaultPreferences;
        var validation = new ValidationErrors();
        ValidateProfile(validation, request.Name, request.Email, request.Phone, preferences);
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
            return Problems.Conflict("A customer with this e-mail address exists.");
        }

        var now = clock.GetUtcNow();
        var customer = NewCustomer(Guid.CreateVersion7(), request, preferences, now);
        db.Customers.Add(customer);
        db.AddEvent(Registered(customer), customer.Id, customer.Version, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (Checks.IsUniqueViolation(exception))
        {
            return Problems.Conflict("A customer with this e-mail address exists.");
        }

        logger.LogInformation("Registered customer {CustomerId}", customer.Id);
        context.Response.Headers.ETag = ETags.For(customer.Version);
        return TypedResults.Created($"/customers/{customer.Id}", ToResponse(customer));
    }

    private static Task<Results<Ok<CustomerResponse>, ValidationProblem, ProblemHttpResult>> UpdateProfile(
        Guid id,
        UpdateCustomerProfileRequest request,
        CustomerDbContext db,
        TimeProvider clock,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var validation = new ValidationErrors();
        ValidateProfile(validation, request.Name, request.Email, request.Phone, request.Preferences);
        return ChangeAsync(id, validation, db, clock, context, async (customer, now) =>
        {
            var email = request.Email.Trim();
            var normalizedEmail = email.ToLowerInvariant();
            if (normalizedEmail != customer.NormalizedEmail && await db.Customers.AnyAsync(
                    c => c.NormalizedEmail == normalizedEmail && c.Status != CustomerStatus.Deleted && c.Id != id,
                    cancellationToken))
            {
                return Problems.Conflict("A customer with this e-mail address exists.");
            }

            customer.Name = request.Name.Trim();
            customer.Email = email;
            customer.NormalizedEmail = normalizedEmail;
            customer.Phone = NormalizePhone(request.Phone);
            customer.Language = request.Preferences.Language;
            customer.Currency = request.Preferences.Currency;
            customer.NotificationChannels = [.. request.Preferences.NotificationChannels.Select(c => c.ToString())];
            return db.AddEvent(
                new CustomerProfileUpdated(customer.Id, customer.Name, customer.Email, customer.Phone, PreferencesOf(customer)),
                customer.Id,
                customer.Version,
                now);
        }, cancellationToken);
    }

    private static Task<Results<Ok<CustomerResponse>, ValidationProblem, ProblemHttpResult>> AddAddress(
        Guid id,
        AddressInput request,
        CustomerDbContext db,
        TimeProvider clock,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var validation = new ValidationErrors();
        ValidateAddress(validation, "", request);
        return ChangeAsync(id, validation, db, clock, context, (customer, now) =>
        {
            if (customer.Addresses.Count >= Limits.AddressesPerCustomer)
            {
                return Task.FromResult<object>(Problems.Unprocessable($"A customer has at most {Limits.AddressesPerCustomer} addresses."));
            }

            var address = AttachAddress(customer, request, now);
            db.Entry(address).State = EntityState.Added;
            return Task.FromResult<object>(
                db.AddEvent(new CustomerAddressAdded(customer.Id, ToResponse(address)), customer.Id, customer.Version, now));
        }, cancellationToken);
    }

    private static Task<Results<Ok<CustomerResponse>, ValidationProblem, ProblemHttpResult>> UpgradeMembership(
        Guid id,
        UpgradeMembershipRequest request,
        CustomerDbContext db,
        TimeProvider clock,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var validation = new ValidationErrors();
        if (!Enum.IsDefined(request.Level))
        {
            validation.Add("level", "Unknown membership level.");
        }

        return ChangeAsync(id, validation, db, clock, context, (customer, now) =>
        {
            if (request.Level <= customer.Membership)
            {
                return Task.FromResult<object>(Problems.Unprocessable(
                    $"{request.Level} is not an upgrade from {customer.Membership}."));
            }

            var from = customer.Membership;
            customer.Membership = request.Level;
            return Task.FromResult<object>(db.AddEvent(
                new CustomerMembershipUpgraded(customer.Id, from, customer.Membership), customer.Id, customer.Version, now));
        }, cancellationToken);
    }

    private static Task<Results<Ok<CustomerResponse>, ValidationProblem, ProblemHttpResult>> Suspend(
        Guid id,
        SuspendCustomerRequest request,
        CustomerDbContext db,
        TimeProvider clock,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var validation = new ValidationErrors();
        validation.Text(request.Reason, "reason", Limits.Reason).NoCardNumber(request.Reason, "reason");
        return ChangeAsync(id, validation, db, clock, context, (customer, now) =>
        {
            customer.Status = CustomerStatus.Suspended;
            customer.SuspensionReason = request.Reason.Trim();
            return Task.FromResult<object>(db.AddEvent(
                new CustomerSuspended(customer.Id, customer.SuspensionReason), customer.Id, customer.Version, now));
        }, cancellationToken);
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(
        Guid id, CustomerDbContext db, TimeProvider clock, HttpContext context, CancellationToken cancellationToken)
    {
        var result = await ChangeAsync(id, new ValidationErrors(), db, clock, context, (customer, now) =>
        {
            customer.Status = CustomerStatus.Deleted;
            customer.DeletedAt = now;
            return Task.FromResult<object>(db.AddEvent(new CustomerDeleted(customer.Id), customer.Id, customer.Version, now));
        }, cancellationToken, allowSuspended: true);
        return result.Result switch
        {
            Ok<CustomerResponse> => TypedResults.NoContent(),
            ValidationProblem problem => problem,
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException("Unexpected result."),
        };
    }

    /// <summary>
    /// Loads a live customer, checks If-Match and state, bumps the version, applies <paramref name="change"/> —
    /// which queues the event with the new version, or returns a problem to reject with — and saves the change
    /// and its event in one transaction.
    /// </summary>
    private static async Task<Results<Ok<CustomerResponse>, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        Guid id,
        ValidationErrors validation,
        CustomerDbContext db,
        TimeProvider clock,
        HttpContext context,
        Func<CustomerProfile, DateTimeOffset, Task<object>> change,
        CancellationToken cancellationToken,
        bool allowSuspended = false)
    {
        if (validation.Any)
        {
            return validation.Problem();
        }

        var customer = await db.Customers
            .FirstOrDefaultAsync(c => c.Id == id && c.Status != CustomerStatus.Deleted, cancellationToken);
        if (customer is null)
        {
            return Problems.NotFound($"No customer {id}.");
        }

        if (!ETags.Matches(context.Request, customer.Version))
        {
            return ETags.Mismatch(customer.Version);
        }

        if (customer.Status == CustomerStatus.Suspended && !allowSuspended)
        {
            return Problems.Conflict($"Customer {id} is suspended.");
        }

        var now = clock.GetUtcNow();
        customer.Version++;
        customer.UpdatedAt = now;
        if (await change(customer, now) is ProblemHttpResult rejection)
        {
            return rejection;
        }

        // A concurrent writer that saved first makes this a DbUpdateConcurrencyException: a 409 from ServiceDefaults.
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (Checks.IsUniqueViolation(exception))
        {
            return Problems.Conflict("A customer with this e-mail address exists.");
        }

        context.Response.Headers.ETag = ETags.For(customer.Version);
        return TypedResults.Ok(ToResponse(customer));
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
        new(customer.Id, customer.Name, customer.Email, customer.Phone, customer.Membership, PreferencesOf(customer));

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
        if (!string.IsNullOrWhiteSpace(email) && !EmailPattern().IsMatch(email.Trim()))
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

    private static CustomerResponse ToResponse(CustomerProfile customer)
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
    [GeneratedRegex(@"^[^@\s\p{Cc}<>()\[\]\\,;:""]+@[^@\s\p{Cc}<>()\[\]\\,;:""]+\.[^@\s\p{Cc}<>()\[\]\\,;:""]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")]
    private static partial Regex LanguagePattern();
}
