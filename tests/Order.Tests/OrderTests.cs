using System.Net;
using System.Net.Http.Json;
using System.Text;
using Commerce.Order.Contracts;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults;

namespace Commerce.Order.Tests;

public sealed class OrderTests(OrderHost host) : IClassFixture<OrderHost>
{
    [Fact]
    public async Task Create_SnapshotsProductPricesAtCreation()
    {
        var customer = host.Customers.Add();
        var keyboard = host.Products.Add(89.00m);
        var mouse = host.Products.Add(29.50m);

        var order = await host.CreateAsync(customer.Id, (keyboard, 1), (mouse, 2));
        host.Products.Products[keyboard.Id] = keyboard with { Price = 120m, Name = "Renamed" };
        var reloaded = await host.GetAsync(order.Id);

        Assert.Equal(OrderStatus.Created, reloaded.Status);
        Assert.Equal(148.00m, reloaded.Total);
        Assert.Equal([(keyboard.Sku, keyboard.Name, 89.00m, 1), (mouse.Sku, mouse.Name, 29.50m, 2)],
            reloaded.Items.Select(i => (i.Sku, i.ProductName, i.UnitPrice, i.Quantity)));
        Assert.Equal([nameof(OrderCreated)], await host.Sql.EventTypesAsync("order", order.Id.ToString()));
    }

    [Fact]
    public async Task Create_SameIdempotencyKeyTwice_ReturnsTheOriginalOrder()
    {
        var customer = host.Customers.Add();
        var product = host.Products.Add(5m);
        var key = $"checkout-{Guid.NewGuid()}";
        var body = new CreateOrderRequest(customer.Id, [new CreateOrderItem(product.Id, 1)]);

        async Task<HttpResponseMessage> CreateAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = JsonContent.Create(body, options: CommerceJson.Options) };
            request.Headers.Add("Idempotency-Key", key);
            return await host.Client.SendAsync(request);
        }

        var first = await CreateAsync();
        var second = await CreateAsync();

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((await first.Content.ReadFromJsonAsync<OrderResponse>(CommerceJson.Options))!.Id,
            (await second.Content.ReadFromJsonAsync<OrderResponse>(CommerceJson.Options))!.Id);
        Assert.Equal(1, await host.Sql.CountAsync("\"order\".orders", "customer_id = $1", customer.Id));
    }

    [Fact]
    public async Task Create_SameIdempotencyKeyForTwoCustomers_EachGetsTheirOwnOrder()
    {
        // Keys are scoped to the customer: a key someone else happened to use (or guessed) is neither a 409 telling the
        // second customer it is taken nor a repeat answering them the first customer's order.
        var (ada, lin) = (host.Customers.Add(), host.Customers.Add());
        var product = host.Products.Add(5m);
        var key = $"checkout-{Guid.NewGuid()}";

        async Task<HttpResponseMessage> CreateAsync(Guid customerId, int quantity)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/orders")
            {
                Content = JsonContent.Create(new CreateOrderRequest(customerId, [new CreateOrderItem(product.Id, quantity)]), options: CommerceJson.Options),
            };
            request.Headers.Add("Idempotency-Key", key);
            return await host.Client.SendAsync(request);
        }

        using var adas = await CreateAsync(ada.Id, 1);
        using var lins = await CreateAsync(lin.Id, 2);
        using var adasAgain = await CreateAsync(ada.Id, 3);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Conflict), (adas.StatusCode, lins.StatusCode, adasAgain.StatusCode));
        var linsOrder = (await lins.Content.ReadFromJsonAsync<OrderResponse>(CommerceJson.Options))!;
        Assert.Equal((lin.Id, 2), (linsOrder.CustomerId, linsOrder.Items.Single().Quantity));
        Assert.NotEqual((await adas.Content.ReadFromJsonAsync<OrderResponse>(CommerceJson.Options))!.Id, linsOrder.Id);
    }

    [Fact]
    public async Task Create_UnknownOrDiscontinuedProduct_IsUnprocessableAndWritesNothing()
    {
        var customer = host.Customers.Add();
        var discontinued = host.Products.Add(5m, status: ProductStatus.Discontinued);

        var unknown = await host.Client.PostAsJsonAsync("/orders", new CreateOrderRequest(customer.Id, [new CreateOrderItem(Guid.NewGuid(), 1)]), CommerceJson.Options);
        var stopped = await host.Client.PostAsJsonAsync("/orders", new CreateOrderRequest(customer.Id, [new CreateOrderItem(discontinued.Id, 1)]), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, stopped.StatusCode);
        Assert.Equal(0, await host.Sql.CountAsync("\"order\".orders", "customer_id = $1", customer.Id));
    }

    [Theory]
    [InlineData("""{"customerId":"00000000-0000-0000-0000-000000000000","items":[{"productId":"6a3c2a36-8f7e-4a62-9d0e-0d1f0c7b8a11","quantity":1}]}""", "customerId")]
    [InlineData("""{"customerId":"6a3c2a36-8f7e-4a62-9d0e-0d1f0c7b8a11","items":[]}""", "items")]
    [InlineData("""{"customerId":"6a3c2a36-8f7e-4a62-9d0e-0d1f0c7b8a11","items":[{"productId":"6a3c2a36-8f7e-4a62-9d0e-0d1f0c7b8a11","quantity":0}]}""", "items[0].quantity")]
    [InlineData("""{"customerId":"6a3c2a36-8f7e-4a62-9d0e-0d1f0c7b8a11","items":[{"productId":"6a3c2a36-8f7e-4a62-9d0e-0d1f0c7b8a11","quantity":1001}]}""", "items[0].quantity")]
    [InlineData("""{"customerId":"6a3c2a36-8f7e-4a62-9d0e-0d1f0c7b8a11"}""", "items")]
    [InlineData("""{"customerId":"not-a-guid","items":[]}""", "customerId")]
    [InlineData("""{"customerId":""", "customerId")]
    public async Task Create_BadInput_IsValidationProblemAndWritesNothing(string body, string field)
    {
        var before = await host.Sql.CountAsync("\"order\".orders");

        var response = await host.Client.PostAsync("/orders", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblem>(CommerceJson.Options);
        Assert.True(problem!.Errors.Keys.Any(k => k.StartsWith(field, StringComparison.Ordinal)),
            $"Expected an error for {field}; got {string.Join(", ", problem.Errors.Keys)}");
        Assert.Equal(before, await host.Sql.CountAsync("\"order\".orders"));
    }

    [Fact]
    public async Task Submit_SnapshotsAddresses_WhichLaterCustomerChangesDoNotAlter()
    {
        var order = await host.NewOrderAsync();
        var customer = host.Customers.Customers[order.CustomerId];

        var submitted = await host.PostAsync($"/orders/{order.Id}/submit", new SubmitOrderRequest());
        host.Customers.Customers[customer.Id] = customer with
        {
            DefaultShippingAddress = customer.DefaultShippingAddress! with { Line1 = "Moved away" },
        };
        var reloaded = await host.GetAsync(order.Id);

        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Equal(OrderStatus.Submitted, reloaded.Status);
        Assert.Equal("2 Ship Rd", reloaded.ShippingAddress!.Line1);
        Assert.Equal("1 Bill St", reloaded.BillingAddress!.Line1);
        Assert.Equal([nameof(OrderCreated), nameof(OrderSubmitted)], await host.Sql.EventTypesAsync("order", order.Id.ToString()));
    }

    [Fact]
    public async Task Submit_CustomerWithoutShippingAddress_IsUnprocessableAndChangesNothing()
    {
        var customer = host.Customers.Add(withShipping: false);
        var order = await host.CreateAsync(customer.Id, (host.Products.Add(3m), 1));

        var response = await host.PostAsync($"/orders/{order.Id}/submit");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var reloaded = await host.GetAsync(order.Id);
        Assert.Equal((OrderStatus.Created, 1), (reloaded.Status, reloaded.Version));
        Assert.Null(reloaded.BillingAddress);
    }

    [Fact]
    public async Task Lifecycle_ToDelivered_RecordsHistoryAndOneEventPerStep()
    {
        var order = await host.NewOrderAsync();

        foreach (var step in new[] { "submit", "confirm", "ship", "deliver" })
        {
            var response = await host.PostAsync($"/orders/{order.Id}/{step}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var delivered = await host.GetAsync(order.Id);
        Assert.Equal((OrderStatus.Delivered, 5), (delivered.Status, delivered.Version));
        Assert.Equal([OrderStatus.Created, OrderStatus.Submitted, OrderStatus.Confirmed, OrderStatus.Shipped, OrderStatus.Delivered],
            delivered.History.Select(h => h.To));
        Assert.Equal([nameof(OrderCreated), nameof(OrderSubmitted), nameof(OrderConfirmed), nameof(OrderShipped), nameof(OrderDelivered)],
            await host.Sql.EventTypesAsync("order", order.Id.ToString()));
    }

    [Fact]
    public async Task Transitions_Repeated_AreIdempotent()
    {
        var order = await host.NewOrderAsync();
        foreach (var step in new[] { "submit", "submit", "confirm", "confirm", "cancel", "cancel" })
        {
            var response = await host.PostAsync($"/orders/{order.Id}/{step}", step == "cancel" ? new CancelOrderRequest("Changed mind") : null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var cancelled = await host.GetAsync(order.Id);
        Assert.Equal((OrderStatus.Cancelled, 4), (cancelled.Status, cancelled.Version));
        Assert.Equal([nameof(OrderCreated), nameof(OrderSubmitted), nameof(OrderConfirmed), nameof(OrderCancelled)],
            await host.Sql.EventTypesAsync("order", order.Id.ToString()));
    }

    [Theory]
    [InlineData(new[] { "confirm" }, "Created")]
    [InlineData(new[] { "ship" }, "Created")]
    [InlineData(new[] { "deliver" }, "Created")]
    [InlineData(new[] { "submit", "ship" }, "Submitted")]
    [InlineData(new[] { "submit", "confirm", "ship", "cancel" }, "Shipped")]
    [InlineData(new[] { "submit", "confirm", "ship", "deliver", "cancel" }, "Delivered")]
    [InlineData(new[] { "cancel", "submit" }, "Cancelled")]
    [InlineData(new[] { "submit", "confirm", "submit" }, "Confirmed")]
    public async Task IllegalTransition_IsConflictAndChangesNothing(string[] steps, string stateBeforeLastStep)
    {
        var order = await host.NewOrderAsync();
        foreach (var step in steps[..^1])
        {
            (await host.PostAsync($"/orders/{order.Id}/{step}", step == "cancel" ? new CancelOrderRequest("test") : null)).EnsureSuccessStatusCode();
        }

        var before = await host.GetAsync(order.Id);
        var response = await host.PostAsync($"/orders/{order.Id}/{steps[^1]}", steps[^1] == "cancel" ? new CancelOrderRequest("test") : null);

        Assert.Equal(stateBeforeLastStep, before.Status.ToString());
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var after = await host.GetAsync(order.Id);
        Assert.Equal((before.Status, before.Version), (after.Status, after.Version));
    }

    [Fact]
    public async Task Transition_WithStaleIfMatch_IsConflict()
    {
        var order = await host.NewOrderAsync();
        (await host.PostAsync($"/orders/{order.Id}/submit", ifMatch: "\"1\"")).EnsureSuccessStatusCode();

        var stale = await host.PostAsync($"/orders/{order.Id}/confirm", ifMatch: "\"1\"");
        var current = await host.PostAsync($"/orders/{order.Id}/confirm", ifMatch: "\"2\"");

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal("\"3\"", current.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task Ship_Concurrently_ShipsOnce()
    {
        var order = await host.NewOrderAsync();
        (await host.PostAsync($"/orders/{order.Id}/submit")).EnsureSuccessStatusCode();
        (await host.PostAsync($"/orders/{order.Id}/confirm")).EnsureSuccessStatusCode();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var attempts = Enumerable.Range(0, 10).Select(async _ =>
        {
            await start.Task;
            return (await host.PostAsync($"/orders/{order.Id}/ship")).StatusCode;
        }).ToList();
        start.SetResult();
        var statuses = await Task.WhenAll(attempts);

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Conflict, s.ToString()));
        Assert.Equal(1, await host.Sql.CountAsync("\"order\".outbox_messages", "aggregate_id = $1 AND type = 'OrderShipped'", order.Id.ToString()));
        Assert.Equal(4, (await host.GetAsync(order.Id)).Version);
    }

    [Fact]
    public async Task List_FilteredByStatus_ReturnsOnlyThatStatus()
    {
        var submitted = await host.NewOrderAsync();
        var created = await host.NewOrderAsync();
        (await host.PostAsync($"/orders/{submitted.Id}/submit")).EnsureSuccessStatusCode();

        var page = await host.Client.GetFromJsonAsync<OrderPage>("/orders?status=Submitted&pageSize=200", CommerceJson.Options);
        var mine = await host.Client.GetFromJsonAsync<OrderPage>($"/orders?customerId={created.CustomerId}", CommerceJson.Options);

        Assert.Contains(page!.Items, o => o.Id == submitted.Id);
        Assert.DoesNotContain(page.Items, o => o.Id == created.Id);
        Assert.All(page.Items, o => Assert.Equal(OrderStatus.Submitted, o.Status));
        Assert.Equal([created.Id], mine!.Items.Select(o => o.Id));
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.GetAsync("/orders?status=Lost")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.GetAsync("/orders?pageSize=0")).StatusCode);
    }

    [Fact]
    public async Task UnknownOrder_IsNotFound()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/orders/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.PostAsync($"/orders/{Guid.NewGuid()}/confirm")).StatusCode);
    }

    internal sealed record ValidationProblem(int Status, Dictionary<string, string[]> Errors);
}
