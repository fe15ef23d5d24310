using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Checkout.Contracts;
using Commerce.Customer.Contracts;
using Commerce.Order.Contracts;
using Commerce.ServiceDefaults;

namespace Commerce.Checkout.Tests;

/// <summary>The whole system with a submission limit low enough to reach: one submit per customer an hour.</summary>
public sealed class ThrottledSubmitSystem : SagaSystem
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Commerce:RateLimits:OrderSubmission:PermitLimit"] = "1",
        ["Commerce:RateLimits:OrderSubmission:Window"] = "01:00:00",
    };
}

/// <summary>Order submission's rate limit: per customer (the token's subject), answered 429 before any saga starts.</summary>
public sealed class SubmitRateLimitTests(ThrottledSubmitSystem system) : IClassFixture<ThrottledSubmitSystem>
{
    [Fact]
    public async Task Submit_BeyondTheCustomersLimit_Answers429WithRetryAfter_AndStartsNoSaga_OtherCallersUnaffected()
    {
        var first = await system.NewOrderAsync();
        var order = await system.Orders.GetOrderAsync(first.OrderId);
        var second = await system.Orders.CreateOrderAsync(new CreateOrderRequest(order.CustomerId, [new CreateOrderItem(order.Items[0].ProductId, 1)]));
        var email = (await system.Api<ICustomerApi>().GetCustomerAsync(order.CustomerId)).Email;
        using var customer = await system.CustomerClientAsync(email);

        using var allowed = await customer.PostAsJsonAsync($"/checkout/orders/{first.OrderId}/submit",
            new SubmitCheckoutRequest(first.PaymentMethodId), CommerceJson.Options);
        using var throttled = await customer.PostAsJsonAsync($"/checkout/orders/{second.Id}/submit",
            new SubmitCheckoutRequest(first.PaymentMethodId), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("application/problem+json", throttled.Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, (await throttled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());
        Assert.InRange(throttled.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.Null(await system.Sagas.DescribeAsync(second.Id));
        Assert.Equal(OrderStatus.Created, (await system.Orders.GetOrderAsync(second.Id)).Status);

        // Operators are not limited (support places orders for customers): past the customers' limit of one, theirs
        // are answered on their merits.
        foreach (var attempt in Enumerable.Range(1, 2))
        {
            using var byOperator = await system.Http.PostAsJsonAsync($"/checkout/orders/{Guid.NewGuid()}/submit",
                new SubmitCheckoutRequest(first.PaymentMethodId), CommerceJson.Options);
            Assert.Equal(HttpStatusCode.NotFound, byOperator.StatusCode);
        }
    }
}
