using System.Net;
using System.Net.Http.Json;
using Commerce.Customer.Contracts;
using Commerce.Payment.Contracts;
using Commerce.ServiceDefaults;
using Refit;
using ProblemDetails = Microsoft.AspNetCore.Mvc.ProblemDetails;

namespace Commerce.Payment.Tests;

/// <summary>
/// A card is saved only for a customer Customer (their owner) knows: Payment asks it before the card reaches the
/// gateway, and writes nothing when the answer is no or when there is no answer.
/// </summary>
public sealed class MethodCustomerTests(PaymentFixture fixture) : IClassFixture<PaymentFixture>
{
    private static readonly int NextYear = DateTime.UtcNow.Year + 1;

    private readonly IPaymentApi payments = RestService.For<IPaymentApi>(
        fixture.Client, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    [Fact]
    public async Task AddMethod_UnknownCustomer_Returns422AndWritesNothing()
    {
        var before = await CountsAsync();

        var response = await AddAsync(Guid.NewGuid());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task AddMethod_DeletedCustomer_Returns422AndWritesNothing()
    {
        var customerId = await fixture.NewCustomerAsync();
        await RestService.For<ICustomerApi>(fixture.Client, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) })
            .DeleteAsync(customerId);
        var before = await CountsAsync();

        var response = await AddAsync(customerId);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(before, await CountsAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AddMethod_CustomerDown_Returns503WithRetryAfterAndWritesNothing(bool customerAnswers503)
    {
        var customerId = await fixture.NewCustomerAsync();
        var before = await CountsAsync();
        var refusedBefore = fixture.Outages.Refused;
        fixture.Outages.TakeDown("/customers", customerAnswers503);
        HttpResponseMessage response;
        try
        {
            response = await AddAsync(customerId);
        }
        finally
        {
            fixture.Outages.BringUp("/customers");
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 }, "no Retry-After in seconds");
        Assert.True(fixture.Outages.Refused > refusedBefore, "Payment never asked Customer");
        Assert.Equal(before, await CountsAsync());
        Assert.DoesNotContain(TestCards.Success, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddMethod_KnownCustomer_IsSavedForThem()
    {
        var customerId = await fixture.NewCustomerAsync();

        var method = await payments.AddPaymentMethodAsync(new AddPaymentMethodRequest(customerId, TestCards.Success, 12, NextYear));

        Assert.Equal([method.Id], (await payments.ListPaymentMethodsAsync(customerId)).Select(m => m.Id));
    }

    private async Task<HttpResponseMessage> AddAsync(Guid customerId)
    {
        var response = await fixture.Client.PostAsJsonAsync(
            "/payments/methods", new AddPaymentMethodRequest(customerId, TestCards.Success, 12, NextYear), CommerceJson.Options);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            Assert.NotNull(await response.Content.ReadFromJsonAsync<ProblemDetails>());
        }

        return response;
    }

    private async Task<(long, long)> CountsAsync() => (
        await fixture.Sql.CountAsync("payment.payment_methods"),
        await fixture.Sql.CountAsync("payment.outbox_messages"));
}
