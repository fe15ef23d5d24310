using Commerce.Activities;
using Commerce.Checkout.Orders;
using Commerce.Checkout.Worker;
using Commerce.Inventory.Contracts;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Promotion.Contracts;
using Commerce.ServiceDefaults.Security;
using Commerce.Shipping.Contracts;
using Commerce.Workflows.OrderSaga;
using Commerce.Workflows.Temporal;
using Microsoft.Extensions.Configuration;
using Temporalio.Extensions.Hosting;

namespace Commerce.Checkout;

/// <summary>
/// The order process, in two parts a host can run together or apart: the Checkout API (starts and steers sagas,
/// relays the carrier's deliveries to them) and the saga worker (runs workflows and activities).
/// </summary>
public static class CheckoutModule
{
    public const string Name = "Checkout";

    public static IHostApplicationBuilder AddCheckout(this IHostApplicationBuilder builder)
    {
        builder.AddTemporalClientOnce();
        builder.Services.Configure<CheckoutOptions>(builder.Configuration.GetSection("Checkout"));
        builder.Services.AddSingleton<OrderSagaClient>();
        // The Checkout API acts for its caller: Order and Payment decide what that customer or operator may see and do.
        builder.AddContextClient<IOrderApi>("Order", Name, actForRequestCaller: true);
        builder.AddContextClient<IPaymentApi>("Payment", Name, actForRequestCaller: true);
        builder.AddApiDocument(Name.ToLowerInvariant());
        builder.Services.AddSingleton(TemporalUnavailable);

        // Submissions per customer (their token's subject): a shopper submits a few orders at most, and a script testing
        // stolen cards one order after another is stopped. Operators (support placing an order for a customer, load
        // tests) and services are the system's own clients, not limited.
        builder.AddRateLimit(RateLimits.OrderSubmission, new RateLimit { PermitLimit = 5, Window = TimeSpan.FromMinutes(5) }, http =>
            Caller.From(http.User, http.RequestServices.GetRequiredService<IOptions<AuthenticationSettings>>().Value.Claims) is
            { IsCustomer: true, Subject: { } customer }
                ? customer
                : null);

        // Shipping's delivered events come here over HTTP like any subscriber's, and become signals to the saga.
        builder.Services.Configure<OutboxOptions>(options =>
            options.Subscriptions[Name] = new Dictionary<string, string[]> { ["Shipping"] = [nameof(ShipmentDelivered)] });
        return builder;
    }

    public static IEndpointRouteBuilder MapCheckout(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapCheckoutOrders();
        endpoints.MapCarrierDeliveryRelay();
        return endpoints;
    }

    /// <summary>
    /// Temporal cannot be reached: the client's lazy connection fails (the SDK throws a plain InvalidOperationException
    /// with "Connection failed" from inside the SDK, so message and throwing frames are what identify it), or a connected client's call finds no
    /// server. Checkout then answers 503 with Retry-After, like any dependency outage.
    /// </summary>
    private static readonly UnavailableDependency TemporalUnavailable = new(e => e switch
    {
        Temporalio.Exceptions.RpcException { Code: Temporalio.Exceptions.RpcException.StatusCode.Unavailable } => "Temporal",
        InvalidOperationException when e.Message.StartsWith("Connection failed", StringComparison.Ordinal)
                                       && e.StackTrace?.Contains("at Temporalio.", StringComparison.Ordinal) == true => "Temporal",
        _ => null,
    });

    /// <summary>The worker for <see cref="OrderSagaWorkflow.TaskQueue"/>; registers the saga's search attributes first.</summary>
    public static IHostApplicationBuilder AddOrderSagaWorker(this IHostApplicationBuilder builder)
    {
        builder.AddTemporalClientOnce();
        builder.AddContextClient<IOrderApi>("Order", OwnerClients.SagaWorker);
        builder.AddContextClient<IInventoryApi>("Inventory", OwnerClients.SagaWorker);
        builder.AddContextClient<IPaymentApi>("Payment", OwnerClients.SagaWorker);
        builder.AddContextClient<IShippingApi>("Shipping", OwnerClients.SagaWorker);
        builder.AddContextClient<IPromotionApi>("Promotion", OwnerClients.SagaWorker);
        builder.Services.AddHostedService<SearchAttributeRegistration>();
        builder.Services
            .AddHostedTemporalWorker(OrderSagaWorkflow.TaskQueue)
            .AddWorkflow<OrderSagaWorkflow>()
            .AddScopedActivities<OrderActivities>()
            .AddScopedActivities<InventoryActivities>()
            .AddScopedActivities<PaymentActivities>()
            .AddScopedActivities<ShippingActivities>()
            .AddScopedActivities<PromotionActivities>()
            .ConfigureOptions().PostConfigure(options => options.AddFormerActivityNames());
        return builder;
    }

    private static void AddTemporalClientOnce(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(service => service.ServiceType == typeof(Temporalio.Client.ITemporalClient)))
        {
            return;
        }

        // The Temporal section (Temporal:Address, Temporal:ApiKey...) over TEMPORAL_* variables and the profile.
        var temporal = builder.Configuration.GetSection("Temporal").Get<TemporalSettings>() ?? new TemporalSettings();
        builder.Services.AddTemporalClient(options => temporal.ApplyTo(options));
    }
}
