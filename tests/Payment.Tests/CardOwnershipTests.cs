using System.Net;
using System.Net.Http.Json;
using Commerce.Payment.Contracts;
using Commerce.ServiceDefaults;
using Microsoft.AspNetCore.Http;
using Refit;
using ProblemDetails = Microsoft.AspNetCore.Mvc.ProblemDetails;

namespace Commerce.Payment.Tests;

/// <summary>
/// Payment owns the cards and knows whose each is: an authorization names the order's customer, and a card of anyone
/// else is refused before the gateway is asked, whatever the caller checked before.
/// </summary>
public sealed class CardOwnershipTests(GatedGatewayFixture fixture) : IClassFixture<GatedGatewayFixture>
{
    private readonly IPaymentApi api = RestService.For<IPaymentApi>(
        fixture.Client, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    [Fact]
    public async Task Authorize_AnotherCustomersCard_Returns422LikeAnUnknownCard_WritesNothing_CallsNoGateway()
    {
        var card = await CardOfAsync(await fixture.NewCustomerAsync());
        var before = await CountsAsync();
        var key = Key();

        var response = await PostAsync(new AuthorizePaymentRequest(Guid.NewGuid(), card.Id, 10m, "USD", CustomerId: Guid.NewGuid()), key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        // The same words as for a card that does not exist: the answer must not tell whose cards exist.
        Assert.Equal($"No usable payment method {card.Id}.", (await response.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        Assert.Equal(before, await CountsAsync());
        Assert.Equal(0, fixture.Gateway.Authorizations(key));
    }

    [Fact]
    public async Task Authorize_NoCustomer_Returns400_CallsNoGateway()
    {
        var card = await CardOfAsync(await fixture.NewCustomerAsync());
        var key = Key();

        var response = await PostAsync(new AuthorizePaymentRequest(Guid.NewGuid(), card.Id, 10m, "USD"), key);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("customerId", (await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!.Errors.Keys);
        Assert.Equal(0, fixture.Gateway.Authorizations(key));
    }

    [Fact]
    public async Task Authorize_RepeatOfAnApprovedKeyNamingAnotherCustomer_Returns422AndNotThePayment()
    {
        var owner = await fixture.NewCustomerAsync();
        var card = await CardOfAsync(owner);
        var request = new AuthorizePaymentRequest(Guid.NewGuid(), card.Id, 12m, "USD", owner);
        var key = Key();
        var approved = await api.AuthorizeAsync(request, key);

        var repeat = await PostAsync(request with { CustomerId = Guid.NewGuid() }, key);

        Assert.Equal(PaymentStatus.Authorized, approved.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, repeat.StatusCode);
        Assert.DoesNotContain(approved.Id.ToString(), await repeat.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, fixture.Gateway.Authorizations(key));
    }

    private async Task<PaymentMethodResponse> CardOfAsync(Guid customerId) =>
        await api.AddPaymentMethodAsync(new AddPaymentMethodRequest(customerId, TestCards.Success, 12, DateTime.UtcNow.Year + 1));

    private Task<HttpResponseMessage> PostAsync(AuthorizePaymentRequest body, string key) =>
        fixture.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/payments/authorizations")
        {
            Content = JsonContent.Create(body, options: CommerceJson.Options),
            Headers = { { "Idempotency-Key", key } },
        });

    private async Task<(long, long, long)> CountsAsync() => (
        await fixture.Sql.CountAsync("payment.payments"),
        await fixture.Sql.CountAsync("payment.payment_transactions"),
        await fixture.Sql.CountAsync("payment.outbox_messages"));

    private static string Key() => Guid.NewGuid().ToString("N");
}
