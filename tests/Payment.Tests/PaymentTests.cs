using System.Net;
using System.Net.Http.Json;
using System.Text;
using Commerce.Payment.Contracts;
using Commerce.ServiceDefaults;
using Microsoft.AspNetCore.Http;
using Npgsql;
using Refit;
using ProblemDetails = Microsoft.AspNetCore.Mvc.ProblemDetails;

namespace Commerce.Payment.Tests;

public sealed class PaymentTests(PaymentFixture fixture) : IClassFixture<PaymentFixture>
{
    private static readonly int NextYear = DateTime.UtcNow.Year + 1;

    private readonly IPaymentApi api = RestService.For<IPaymentApi>(
        fixture.Client, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    [Fact]
    public async Task AddMethod_CardNumber_IsFoundInNoTableAndNoLog()
    {
        // A number nothing else in the run uses, so any hit can only be a leak of this request.
        const string pan = "5555555555554444";
        var customerId = await fixture.NewCustomerAsync();

        var method = await api.AddPaymentMethodAsync(new AddPaymentMethodRequest(customerId, pan, 12, NextYear, "123"));
        var payment = await api.AuthorizeAsync(new AuthorizePaymentRequest(Guid.NewGuid(), method.Id, 10m, "USD", method.CustomerId), Key());
        await api.CaptureAsync(payment.Id, new CapturePaymentRequest(), Key());
        // A rejected request carrying the number must not leak it either.
        await fixture.Client.PostAsJsonAsync("/payments/methods", new AddPaymentMethodRequest(customerId, pan, 13, NextYear), CommerceJson.Options);

        Assert.Equal(("Mastercard", "4444"), (method.Brand, method.Last4));
        var hits = await RowsContainingAsync(pan, pan[..12], pan[4..]);
        Assert.Empty(hits);
        Assert.True(await fixture.Sql.CountAsync("payment.payment_methods", $"id = '{method.Id}'") == 1, "the method row exists");
        Assert.DoesNotContain(fixture.Logs, line => line.Contains(pan, StringComparison.Ordinal) || line.Contains(pan[..12], StringComparison.Ordinal));
        Assert.Contains(fixture.Logs, line => line.Contains(method.Id.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddMethod_TokenIsEncryptedAtRest()
    {
        var method = await api.AddPaymentMethodAsync(new AddPaymentMethodRequest(await fixture.NewCustomerAsync(), TestCards.Success, 1, NextYear));

        var stored = await SingleBytesAsync($"SELECT encrypted_token FROM payment.payment_methods WHERE id = '{method.Id}'");

        Assert.DoesNotContain("tok_", Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        Assert.True(stored.Length > 28);
    }

    [Theory]
    [InlineData("4242424242424241", 12, "cardNumber")]
    [InlineData("4242", 12, "cardNumber")]
    [InlineData("4242424242424242", 13, "expiryMonth")]
    public async Task AddMethod_InvalidCard_Returns400WithoutEchoingTheNumber(string number, int month, string field)
    {
        var before = await fixture.Sql.CountAsync("payment.payment_methods");

        var response = await fixture.Client.PostAsJsonAsync(
            "/payments/methods", new AddPaymentMethodRequest(Guid.NewGuid(), number, month, NextYear), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(number, body, StringComparison.Ordinal);
        Assert.Contains(field, (await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!.Errors.Keys);
        Assert.Equal(before, await fixture.Sql.CountAsync("payment.payment_methods"));
    }

    [Fact]
    public async Task AddMethod_ExpiredCard_Returns422()
    {
        var response = await fixture.Client.PostAsJsonAsync(
            "/payments/methods", new AddPaymentMethodRequest(await fixture.NewCustomerAsync(), TestCards.Success, 1, 2001), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Authorize_Capture_Refund_HappyPathWritesEachEvent()
    {
        var method = await MethodAsync(TestCards.Success);
        var orderId = Guid.NewGuid();

        var authorized = await api.AuthorizeAsync(new AuthorizePaymentRequest(orderId, method.Id, 100m, "USD", method.CustomerId), Key());
        var captured = await api.CaptureAsync(authorized.Id, new CapturePaymentRequest(), Key());
        var partly = await api.RefundAsync(authorized.Id, new RefundPaymentRequest(30m), Key());
        var refunded = await api.RefundAsync(authorized.Id, new RefundPaymentRequest(), Key());

        Assert.Equal(PaymentStatus.Authorized, authorized.Status);
        Assert.Equal((PaymentStatus.Captured, 100m), (captured.Status, captured.CapturedAmount));
        Assert.Equal((PaymentStatus.PartiallyRefunded, 30m), (partly.Status, partly.RefundedAmount));
        // Capture and refund change the payment twice each: the claim of the operation, then the gateway's answer.
        Assert.Equal((PaymentStatus.Refunded, 100m, 7), (refunded.Status, refunded.RefundedAmount, refunded.Version));
        var events = await fixture.Sql.EventsAsync("payment", authorized.Id);
        Assert.Equal([nameof(PaymentAuthorized), nameof(PaymentCaptured), nameof(PaymentRefunded), nameof(PaymentRefunded)], events.Select(e => e.Type));
        Assert.Equal([1, 3, 5, 7], events.Select(e => e.Version));
        Assert.Equal(70m, events[3].Payload.GetProperty("amount").GetDecimal());
        Assert.Equal([authorized.Id], (await api.ListPaymentsAsync(orderId)).Select(p => p.Id));
    }

    [Fact]
    public async Task Authorize_SameKeyRepeated_ReturnsOriginalAndChargesOnce()
    {
        var method = await MethodAsync(TestCards.Success);
        var request = new AuthorizePaymentRequest(Guid.NewGuid(), method.Id, 25m, "USD", method.CustomerId);
        var key = Key();

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => PostAsync("/payments/authorizations", request, key)));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<PaymentResponse>(CommerceJson.Options)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single(bodies.Select(b => b!.Id).Distinct());
        Assert.Equal(1, await fixture.Sql.CountAsync("payment.payments", $"order_id = '{request.OrderId}'"));
        Assert.Single(await fixture.Sql.EventsAsync("payment", bodies[0]!.Id));
    }

    [Fact]
    public async Task Authorize_KeyReusedForDifferentRequest_Returns409()
    {
        var method = await MethodAsync(TestCards.Success);
        var key = Key();
        await api.AuthorizeAsync(new AuthorizePaymentRequest(Guid.NewGuid(), method.Id, 5m, "USD", method.CustomerId), key);

        var response = await PostAsync("/payments/authorizations", new AuthorizePaymentRequest(Guid.NewGuid(), method.Id, 6m, "USD", method.CustomerId), key);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Theory]
    [InlineData(TestCards.Declined, PaymentFailureCodes.Declined)]
    [InlineData(TestCards.InsufficientFunds, PaymentFailureCodes.InsufficientFunds)]
    public async Task Authorize_Declined_Returns422RecordsFailureOnceAndRepeatsIt(string card, string code)
    {
        var method = await MethodAsync(card);
        var request = new AuthorizePaymentRequest(Guid.NewGuid(), method.Id, 40m, "USD", method.CustomerId);
        var key = Key();

        var first = await PostAsync("/payments/authorizations", request, key);
        var repeat = await PostAsync("/payments/authorizations", request, key);

        Assert.Equal((HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity), (first.StatusCode, repeat.StatusCode));
        var problem = await first.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Equal(code, problem!.Extensions["code"]?.ToString());
        var payment = Assert.Single(await api.ListPaymentsAsync(request.OrderId));
        Assert.Equal((PaymentStatus.Failed, code), (payment.Status, payment.FailureCode));
        var (type, _, payload) = Assert.Single(await fixture.Sql.EventsAsync("payment", payment.Id));
        Assert.Equal((nameof(PaymentFailed), code), (type, payload.GetProperty("failureCode").GetString()));
    }

    [Theory]
    [InlineData(TestCards.TransientError, PaymentFailureCodes.TransientError)]
    [InlineData(TestCards.Timeout, PaymentFailureCodes.Timeout)]
    [InlineData(TestCards.Outage, PaymentFailureCodes.Outage)]
    public async Task Authorize_RetryableGatewayFailure_Returns503AndWritesNothing(string card, string code)
    {
        var method = await MethodAsync(card);
        var before = await CountsAsync();

        var response = await PostAsync("/payments/authorizations", new AuthorizePaymentRequest(Guid.NewGuid(), method.Id, 40m, "USD", method.CustomerId), Key());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<ProblemDetails>())!.Extensions["code"]?.ToString());
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task GatewayOutageSwitch_Fails503ThenSameKeySucceedsAfterRecovery()
    {
        var method = await MethodAsync(TestCards.Success);
        var request = new AuthorizePaymentRequest(Guid.NewGuid(), method.Id, 15m, "USD", method.CustomerId);
        var key = Key();

        await api.SetGatewayOutageAsync(new GatewayOutageRequest(true));
        HttpResponseMessage during;
        try
        {
            during = await PostAsync("/payments/authorizations", request, key);
        }
        finally
        {
            await api.SetGatewayOutageAsync(new GatewayOutageRequest(false));
        }

        var after = await api.AuthorizeAsync(request, key);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal(PaymentStatus.Authorized, after.Status);
    }

    [Fact]
    public async Task Capture_RepeatedKey_CapturesOnce_AndOtherKeyAfterwardsIs409()
    {
        var payment = await AuthorizedAsync(50m);
        var key = Key();

        var first = await api.CaptureAsync(payment.Id, new CapturePaymentRequest(), key);
        var repeat = await api.CaptureAsync(payment.Id, new CapturePaymentRequest(), key);
        var other = await PostAsync($"/payments/{payment.Id}/capture", new CapturePaymentRequest(), Key());

        Assert.Equal((first.Version, first.Status), (repeat.Version, repeat.Status));
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Single(await fixture.Sql.EventsAsync("payment", payment.Id), e => e.Type == nameof(PaymentCaptured));
    }

    [Fact]
    public async Task Capture_GatewayUnavailable_StaysOpenForItsKeyOnly_ThenTheSameKeyFinishesItOnce()
    {
        var payment = await AuthorizedAsync(40m);
        var key = Key();

        await api.SetGatewayOutageAsync(new GatewayOutageRequest(true));
        HttpResponseMessage during;
        HttpResponseMessage otherKey;
        PaymentResponse open;
        try
        {
            during = await PostAsync($"/payments/{payment.Id}/capture", new CapturePaymentRequest(), key);
            open = await api.GetPaymentAsync(payment.Id);
            otherKey = await PostAsync($"/payments/{payment.Id}/void", new { }, Key());
        }
        finally
        {
            await api.SetGatewayOutageAsync(new GatewayOutageRequest(false));
        }

        var retried = await api.CaptureAsync(payment.Id, new CapturePaymentRequest(), key);

        Assert.Equal((HttpStatusCode.ServiceUnavailable, HttpStatusCode.Conflict), (during.StatusCode, otherKey.StatusCode));
        // The unanswered call may have acted at the gateway, so the operation stays open rather than being forgotten.
        Assert.Equal((PaymentStatus.Authorized, true), (open.Status, open.Transactions.Single(t => t.Kind == TransactionKind.Capture).InProgress));
        Assert.Equal((PaymentStatus.Captured, 40m), (retried.Status, retried.CapturedAmount));
        var capture = Assert.Single(retried.Transactions, t => t.Kind == TransactionKind.Capture);
        Assert.Equal((true, false, key), (capture.Succeeded, capture.InProgress, capture.IdempotencyKey));
        Assert.Equal([nameof(PaymentAuthorized), nameof(PaymentCaptured)], (await fixture.Sql.EventsAsync("payment", payment.Id)).Select(e => e.Type));
    }

    [Fact]
    public async Task Capture_MoreThanAuthorized_Returns422AndWritesNothing()
    {
        var payment = await AuthorizedAsync(20m);
        var before = await CountsAsync();

        var response = await PostAsync($"/payments/{payment.Id}/capture", new CapturePaymentRequest(20.01m), Key());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Void_Authorized_ThenCaptureIs409()
    {
        var payment = await AuthorizedAsync(80m);

        var voided = await api.VoidAsync(payment.Id, Key());
        var capture = await PostAsync($"/payments/{payment.Id}/capture", new CapturePaymentRequest(), Key());

        Assert.Equal(PaymentStatus.Voided, voided.Status);
        Assert.Equal(HttpStatusCode.Conflict, capture.StatusCode);
        Assert.Equal([nameof(PaymentAuthorized), nameof(PaymentVoided)], (await fixture.Sql.EventsAsync("payment", payment.Id)).Select(e => e.Type));
    }

    [Fact]
    public async Task Refund_BeforeCapture_Returns409_AndOverRefundReturns422()
    {
        var payment = await AuthorizedAsync(10m);

        var early = await PostAsync($"/payments/{payment.Id}/refunds", new RefundPaymentRequest(), Key());
        await api.CaptureAsync(payment.Id, new CapturePaymentRequest(8m), Key());
        var tooMuch = await PostAsync($"/payments/{payment.Id}/refunds", new RefundPaymentRequest(8.01m), Key());

        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.UnprocessableEntity), (early.StatusCode, tooMuch.StatusCode));
    }

    [Fact]
    public async Task Capture_StaleIfMatch_Returns409()
    {
        var payment = await AuthorizedAsync(10m);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/payments/{payment.Id}/capture")
        {
            Content = JsonContent.Create(new CapturePaymentRequest(), options: CommerceJson.Options),
            Headers = { { "Idempotency-Key", Key() }, { "If-Match", "\"7\"" } },
        };

        var response = await fixture.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(PaymentStatus.Authorized, (await api.GetPaymentAsync(payment.Id)).Status);
    }

    [Theory]
    [InlineData(null, """{"orderId":"5d7c1f7e-0000-4000-8000-000000000001","paymentMethodId":"5d7c1f7e-0000-4000-8000-000000000002","amount":1,"currency":"USD","customerId":"5d7c1f7e-0000-4000-8000-000000000003"}""", "Idempotency-Key")]
    [InlineData("k", """{"orderId":"5d7c1f7e-0000-4000-8000-000000000001","paymentMethodId":"5d7c1f7e-0000-4000-8000-000000000002","amount":0,"currency":"USD","customerId":"5d7c1f7e-0000-4000-8000-000000000003"}""", "amount")]
    [InlineData("k", """{"orderId":"5d7c1f7e-0000-4000-8000-000000000001","paymentMethodId":"5d7c1f7e-0000-4000-8000-000000000002","amount":1,"currency":"US","customerId":"5d7c1f7e-0000-4000-8000-000000000003"}""", "currency")]
    public async Task Authorize_InvalidInput_Returns400(string? key, string body, string field)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/payments/authorizations") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        var response = await fixture.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!.Errors.Keys);
    }

    [Fact]
    public async Task Authorize_UnknownMethod_Returns422AndUnknownPayment404()
    {
        var authorize = await PostAsync("/payments/authorizations", new AuthorizePaymentRequest(Guid.NewGuid(), Guid.NewGuid(), 1m, "USD", Guid.NewGuid()), Key());
        var get = await fixture.Client.GetAsync($"/payments/{Guid.NewGuid()}");

        Assert.Equal((HttpStatusCode.UnprocessableEntity, HttpStatusCode.NotFound), (authorize.StatusCode, get.StatusCode));
    }

    private async Task<PaymentMethodResponse> MethodAsync(string card) =>
        await api.AddPaymentMethodAsync(new AddPaymentMethodRequest(await fixture.NewCustomerAsync(), card, 12, NextYear));

    private async Task<PaymentResponse> AuthorizedAsync(decimal amount)
    {
        var method = await MethodAsync(TestCards.Success);
        return await api.AuthorizeAsync(new AuthorizePaymentRequest(Guid.NewGuid(), method.Id, amount, "USD", method.CustomerId), Key());
    }

    private Task<HttpResponseMessage> PostAsync<T>(string path, T body, string key) =>
        fixture.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(body, options: CommerceJson.Options),
            Headers = { { "Idempotency-Key", key } },
        });

    private async Task<(long, long, long)> CountsAsync() => (
        await fixture.Sql.CountAsync("payment.payments"),
        await fixture.Sql.CountAsync("payment.payment_transactions"),
        await fixture.Sql.CountAsync("payment.outbox_messages"));

    /// <summary>Every row of every table in the database whose text form (all columns, jsonb included) contains a needle.</summary>
    private async Task<List<string>> RowsContainingAsync(params string[] needles)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables " +
            "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.Contains("payment.payment_methods", tables);
        var hits = new List<string>();
        foreach (var table in tables)
        {
            foreach (var needle in needles)
            {
                await using var count = new NpgsqlCommand($"SELECT count(*) FROM {table} t WHERE t::text LIKE '%' || $1 || '%'", connection)
                {
                    Parameters = { new() { Value = needle } },
                };
                if ((long)(await count.ExecuteScalarAsync())! > 0)
                {
                    hits.Add($"{table} contains {needle}");
                }
            }
        }

        return hits;
    }

    private async Task<byte[]> SingleBytesAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (byte[])(await command.ExecuteScalarAsync())!;
    }

    private static string Key() => Guid.NewGuid().ToString("N");
}
