using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Payment.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Commerce.Testing;
using Refit;

namespace Commerce.Payment.Tests;

/// <summary>Customer's registration and profile changes reach Payment's billing copy, shown on the customer's payments.</summary>
public sealed class PaymentCustomerTests(PaymentFixture fixture) : IClassFixture<PaymentFixture>
{
    private static readonly RefitSettings Settings = new() { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) };
    private readonly IPaymentApi payments = RestService.For<IPaymentApi>(fixture.Client, Settings);
    private readonly ICustomerApi customers = RestService.For<ICustomerApi>(fixture.Client, Settings);

    [Fact]
    public async Task RegisteredAndUpdatedCustomer_IsShownOnTheirPayments()
    {
        var email = $"dv-{Guid.NewGuid():N}@example.com";
        var customer = await customers.RegisterAsync(new RegisterCustomerRequest("Dorothy Vaughan", email));
        var method = await payments.AddPaymentMethodAsync(new AddPaymentMethodRequest(customer.Id, TestCards.Success, 3, DateTime.UtcNow.Year + 1));
        var orderId = Guid.NewGuid();
        var payment = await payments.AuthorizeAsync(new AuthorizePaymentRequest(orderId, method.Id, 25m, "USD", customer.Id), Guid.NewGuid().ToString("N"));

        // CustomerRegistered → Payment.
        var registered = await Poll.UntilAsync(() => payments.GetPaymentAsync(payment.Id), p => p.Customer is not null);
        Assert.Equal(new PaymentCustomerResponse("Dorothy Vaughan", email), registered.Customer);

        // CustomerProfileUpdated → Payment, on the single payment and on the order's list.
        var newEmail = $"dorothy-{Guid.NewGuid():N}@example.com";
        await customers.UpdateProfileAsync(customer.Id, new UpdateCustomerProfileRequest("Dorothy J. Vaughan", newEmail, customer.Preferences));
        var updated = await Poll.UntilAsync(() => payments.GetPaymentAsync(payment.Id), p => p.Customer?.Email == newEmail);
        Assert.Equal("Dorothy J. Vaughan", updated.Customer!.Name);
        var listed = await payments.ListPaymentsAsync(orderId);
        Assert.Equal(new PaymentCustomerResponse("Dorothy J. Vaughan", newEmail), listed.Single().Customer);
    }

    [Fact]
    public async Task CustomerEvents_InEveryOrderWithDuplicates_ConvergeToTheNewestProfile()
    {
        var id = Guid.NewGuid();
        var preferences = new CustomerPreferences("en", "USD", [NotificationChannel.Email]);
        var events = new List<EventEnvelope>
        {
            TestSupport.Envelope("Customer", id.ToString(), 1, new CustomerRegistered(id, "First", "first@example.com", null, MembershipLevel.Standard, preferences)),
            TestSupport.Envelope("Customer", id.ToString(), 2, new CustomerProfileUpdated(id, "Second", "second@example.com", null, preferences)),
            TestSupport.Envelope("Customer", id.ToString(), 4, new CustomerProfileUpdated(id, "Fourth", "fourth@example.com", null, preferences)),
        };

        var converged = await Convergence.AssertEveryOrderConvergesAsync(fixture.Client, "payment", events, id.ToString(),
            () => Guid.NewGuid().ToString(),
            async copy => string.Join(" ", (await fixture.Sql.RowsAsync(
                "SELECT name, email, source_version FROM payment.customers WHERE customer_id = $1", Guid.Parse(copy))).SingleOrDefault() ?? []));

        Assert.Equal("Fourth fourth@example.com 4", converged);
    }
}
