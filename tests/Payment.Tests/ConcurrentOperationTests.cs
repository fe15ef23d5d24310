using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Commerce.Payment.Contracts;
using Commerce.Payment.Gateway;
using Commerce.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace Commerce.Payment.Tests;

/// <summary>
/// The simulated gateway behind a gate: it counts every authorize, capture, void and refund call that reaches it, and
/// while <see cref="Hold"/> is on capture, void and refund calls wait at the gate until <see cref="Release"/>.
/// </summary>
public sealed class GatedGateway(SimulatedPaymentGateway inner) : IPaymentGateway
{
    private readonly ConcurrentQueue<(TransactionKind Kind, string Authorization, string Key)> calls = new();
    private readonly ConcurrentQueue<string> authorizations = new();
    private TaskCompletionSource gate = Open();
    private TaskCompletionSource secondArrival = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int waiting;

    /// <summary>Completes when a second call is waiting at the closed gate.</summary>
    public Task SecondArrival => secondArrival.Task;

    public int Calls(TransactionKind kind, string authorization) => calls.Count(c => c.Kind == kind && c.Authorization == authorization);

    /// <summary>Authorize calls that reached the gateway with <paramref name="idempotencyKey"/>.</summary>
    public int Authorizations(string idempotencyKey) => authorizations.Count(key => key == idempotencyKey);

    public void Hold()
    {
        waiting = 0;
        secondArrival = new(TaskCreationOptions.RunContinuationsAsynchronously);
        gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Release() => gate.TrySetResult();

    public Task<CardToken> TokenizeAsync(CardDetails card, CancellationToken cancellationToken) => inner.TokenizeAsync(card, cancellationToken);

    public Task<GatewayResult> AuthorizeAsync(string token, decimal amount, string currency, string idempotencyKey, CancellationToken cancellationToken)
    {
        authorizations.Enqueue(idempotencyKey);
        return inner.AuthorizeAsync(token, amount, currency, idempotencyKey, cancellationToken);
    }

    public async Task<GatewayResult> CaptureAsync(string authorization, decimal amount, string idempotencyKey, CancellationToken cancellationToken)
    {
        await ArriveAsync(TransactionKind.Capture, authorization, idempotencyKey);
        return await inner.CaptureAsync(authorization, amount, idempotencyKey, cancellationToken);
    }

    public async Task<GatewayResult> VoidAsync(string authorization, string idempotencyKey, CancellationToken cancellationToken)
    {
        await ArriveAsync(TransactionKind.Void, authorization, idempotencyKey);
        return await inner.VoidAsync(authorization, idempotencyKey, cancellationToken);
    }

    public async Task<GatewayResult> RefundAsync(string authorization, decimal amount, string idempotencyKey, CancellationToken cancellationToken)
    {
        await ArriveAsync(TransactionKind.Refund, authorization, idempotencyKey);
        return await inner.RefundAsync(authorization, amount, idempotencyKey, cancellationToken);
    }

    private Task ArriveAsync(TransactionKind kind, string authorization, string key)
    {
        calls.Enqueue((kind, authorization, key));
        if (Interlocked.Increment(ref waiting) == 2)
        {
            secondArrival.TrySetResult();
        }

        return gate.Task;
    }

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}

public sealed class GatedGatewayFixture : PaymentFixture
{
    public GatedGateway Gateway => (GatedGateway)App.Services.GetRequiredService<IPaymentGateway>();

    protected override void ConfigureServices(IServiceCollection services)
    {
        base.ConfigureServices(services);
        services.AddSingleton<IPaymentGateway>(sp => new GatedGateway(sp.GetRequiredService<SimulatedPaymentGateway>()));
    }
}

/// <summary>
/// Capture, void and refund claim their operation in the database before calling the gateway, so concurrent
/// requests cannot all pass the state check and each move money. The gateway is held shut while the requests
/// race: a request that reaches it cannot finish, so every other request must be answered without it.
/// </summary>
public sealed class ConcurrentOperationTests(GatedGatewayFixture fixture) : IClassFixture<GatedGatewayFixture>
{
    private const int Racers = 20;

    private readonly IPaymentApi api = RestService.For<IPaymentApi>(
        fixture.Client, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    [Fact]
    public async Task CaptureAndRefund_TwentyConcurrentWithDistinctKeys_ReachTheGatewayOnceEach_LosersAre409()
    {
        var payment = await AuthorizedAsync(60m);
        var authorization = await GatewayReferenceAsync(payment.Id);

        var captures = await RaceAsync(_ => PostAsync($"/payments/{payment.Id}/capture", new CapturePaymentRequest(), Key()));
        var refunds = await RaceAsync(_ => PostAsync($"/payments/{payment.Id}/refunds", new RefundPaymentRequest(), Key()));

        Assert.Equal(1, fixture.Gateway.Calls(TransactionKind.Capture, authorization));
        Assert.Equal(1, fixture.Gateway.Calls(TransactionKind.Refund, authorization));
        foreach (var responses in (HttpResponseMessage[][])[captures, refunds])
        {
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
            foreach (var loser in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            {
                Assert.Equal(HttpStatusCode.Conflict, loser.StatusCode);
                Assert.Equal("application/problem+json", loser.Content.Headers.ContentType?.MediaType);
            }
        }

        var final = await api.GetPaymentAsync(payment.Id);
        Assert.Equal((PaymentStatus.Refunded, 60m, 60m), (final.Status, final.CapturedAmount, final.RefundedAmount));
        Assert.Equal(
            [nameof(PaymentAuthorized), nameof(PaymentCaptured), nameof(PaymentRefunded)],
            (await fixture.Sql.EventsAsync("payment", payment.Id)).Select(e => e.Type));
    }

    [Fact]
    public async Task VoidAndCapture_RacingEachOther_OnlyOneReachesTheGateway()
    {
        var payment = await AuthorizedAsync(25m);
        var authorization = await GatewayReferenceAsync(payment.Id);

        var responses = await RaceAsync(i => i % 2 == 0
            ? PostAsync($"/payments/{payment.Id}/capture", new CapturePaymentRequest(), Key())
            : PostAsync($"/payments/{payment.Id}/void", new { }, Key()));

        Assert.Equal(1, fixture.Gateway.Calls(TransactionKind.Capture, authorization) + fixture.Gateway.Calls(TransactionKind.Void, authorization));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(2, (await fixture.Sql.EventsAsync("payment", payment.Id)).Count);
    }

    [Fact]
    public async Task Capture_TwentyConcurrentWithOneKey_ReachTheGatewayOnce_OthersAskToRetryThenGetTheSameResult()
    {
        var payment = await AuthorizedAsync(30m);
        var authorization = await GatewayReferenceAsync(payment.Id);
        var key = Key();

        var responses = await RaceAsync(_ => PostAsync($"/payments/{payment.Id}/capture", new CapturePaymentRequest(), key));
        var retried = await api.CaptureAsync(payment.Id, new CapturePaymentRequest(), key);

        Assert.Equal(1, fixture.Gateway.Calls(TransactionKind.Capture, authorization));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var waiting in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            // Still in progress when it was answered: a retry with the same key, not a refusal.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, waiting.StatusCode);
            Assert.NotNull(waiting.Headers.RetryAfter);
            Assert.Equal("application/problem+json", waiting.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal((PaymentStatus.Captured, 30m), (retried.Status, retried.CapturedAmount));
        Assert.Single(await fixture.Sql.EventsAsync("payment", payment.Id), e => e.Type == nameof(PaymentCaptured));
    }

    /// <summary>
    /// Starts <see cref="Racers"/> requests with the gateway held shut; opens it once all but one have been answered
    /// (the fixed behaviour) or a second request is waiting at the gateway (the defect), then returns every answer.
    /// </summary>
    private async Task<HttpResponseMessage[]> RaceAsync(Func<int, Task<HttpResponseMessage>> send)
    {
        fixture.Gateway.Hold();
        HttpResponseMessage[] responses;
        try
        {
            var requests = Enumerable.Range(0, Racers).Select(send).ToList();
            await Task.WhenAny(AnsweredAsync(requests, Racers - 1), fixture.Gateway.SecondArrival);
            fixture.Gateway.Release();
            responses = await Task.WhenAll(requests);
        }
        finally
        {
            fixture.Gateway.Release();
        }

        return responses;
    }

    private static async Task AnsweredAsync(List<Task<HttpResponseMessage>> requests, int count)
    {
        var pending = requests.ToList();
        for (var answered = 0; answered < count; answered++)
        {
            pending.Remove(await Task.WhenAny(pending));
        }
    }

    private async Task<PaymentResponse> AuthorizedAsync(decimal amount)
    {
        var method = await api.AddPaymentMethodAsync(new AddPaymentMethodRequest(await fixture.NewCustomerAsync(), TestCards.Success, 12, DateTime.UtcNow.Year + 1));
        return await api.AuthorizeAsync(new AuthorizePaymentRequest(Guid.NewGuid(), method.Id, amount, "USD", method.CustomerId), Key());
    }

    private async Task<string> GatewayReferenceAsync(Guid paymentId)
    {
        var rows = await fixture.Sql.RowsAsync($"SELECT gateway_reference FROM payment.payments WHERE id = '{paymentId}'");
        return Assert.Single(rows)[0]!.ToString()!;
    }

    private Task<HttpResponseMessage> PostAsync<T>(string path, T body, string key) =>
        fixture.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(body, options: CommerceJson.Options),
            Headers = { { "Idempotency-Key", key } },
        });

    private static string Key() => Guid.NewGuid().ToString("N");
}
