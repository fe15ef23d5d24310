using Commerce.Activities;
using Commerce.Customer.Contracts;
using Commerce.DataSubjects.Contracts;
using Commerce.ServiceDefaults.Security;
using Commerce.Workflows.DataSubjects;
using Commerce.Workflows.OrderSaga;
using Commerce.Workflows.Temporal;
using Microsoft.Extensions.Configuration;
using Refit;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Common;
using Temporalio.Exceptions;
using Temporalio.Extensions.Hosting;

namespace Commerce.DataSubjects;

/// <summary>
/// Data-subject requests, in two parts a host runs together or apart like the order process's: the DataSubjects
/// process, owning no data, starts a <see cref="DataSubjectRequestWorkflow"/> for every request Customer records (its
/// DataSubjectRequested events, relayed as the carrier's deliveries are to the order saga); the worker process runs
/// those workflows, calling every context's /ops/{context}/subjects routes as client <c>datasubjects</c>, the only
/// identity those routes accept.
/// </summary>
public static class DataSubjectsModule
{
    public const string Name = "DataSubjects";

    /// <summary>
    /// Every context asked for a customer's data (all thirteen: each serves the routes, and its outbox may name them).
    /// Customer first: its erasure goes before the others'.
    /// </summary>
    public static IReadOnlyList<string> Contexts { get; } =
    [
        "Customer", "Order", "Payment", "Shipping", "Notification", "ShoppingCart", "Promotion", "Review", "Seller", "Delivery",
        "Product", "Inventory", "Pricing",
    ];

    /// <summary>The relay: starts each request's workflow from Customer's DataSubjectRequested.</summary>
    public static IHostApplicationBuilder AddDataSubjects(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddTemporalClientOnce();
        builder.Services.Configure<DataSubjectOptions>(builder.Configuration.GetSection(DataSubjectOptions.Section));
        builder.AddApiDocument(Name.ToLowerInvariant());
        builder.Services.Configure<OutboxOptions>(options =>
            options.Subscriptions[Name] = new Dictionary<string, string[]> { ["Customer"] = [nameof(DataSubjectRequested)] });
        return builder;
    }

    /// <summary>
    /// The worker for <see cref="DataSubjectRequestWorkflow.TaskQueue"/>, run by the worker process beside the order
    /// saga's (the host's SagaWorker): every context's data-subject routes, each at its own address.
    /// </summary>
    public static IHostApplicationBuilder AddDataSubjectWorker(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddTemporalClientOnce();
        foreach (var context in Contexts)
        {
            builder.Services.AddHttpClient(ClientName(context))
                .ConfigureHttpClient((sp, http) => http.BaseAddress = sp.GetRequiredService<ServiceAddresses>().For(context))
                .AddHttpMessageHandler(sp => new ServiceTokenHandler(sp.GetRequiredService<ServiceTokens>(), Clients.DataSubjects));
        }

        builder.AddContextClient<ICustomerApi>("Customer", Name);
        builder.Services.AddScoped<IDataSubjectOwners, DataSubjectOwners>();
        builder.Services.AddHostedService<AttentionAttributes>();
        builder.Services.AddHostedTemporalWorker(DataSubjectRequestWorkflow.TaskQueue)
            .AddWorkflow<DataSubjectRequestWorkflow>()
            .AddScopedActivities<DataSubjectActivities>();
        return builder;
    }

    public static IEndpointRouteBuilder MapDataSubjects(this IEndpointRouteBuilder endpoints)
    {
        var slug = Name.ToLowerInvariant();
        endpoints.MapPost($"/events/{slug}", StartAsync).WithGroupName(slug).WithTags("Messaging")
            .RequireAuthorization(Access.ClientsOnly(andOperators: false, Clients.For("Customer")))
            .AcceptsEventsOnlyFromTheirPublisher()
            .ProducesAuthorizationProblems()
            .ProducesBodyProblems()
            .ProducesProblems(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static void AddTemporalClientOnce(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(service => service.ServiceType == typeof(ITemporalClient)))
        {
            return;
        }

        var temporal = builder.Configuration.GetSection("Temporal").Get<TemporalSettings>() ?? new TemporalSettings();
        builder.Services.AddTemporalClient(options => temporal.ApplyTo(options));
    }

    internal static string ClientName(string context) => $"{Name}->{context}:{nameof(IDataSubjectsApi)}";

    /// <summary>
    /// Starts the request's workflow, once: its id is the request's, and a workflow that already ran under it (a
    /// redelivered event) is not started again. Temporal unreachable fails the delivery, which the outbox retries.
    /// </summary>
    private static async Task<Ok<InboxResponse>> StartAsync(
        EventEnvelope envelope, ITemporalClient temporal, IOptions<DataSubjectOptions> options, ILoggerFactory loggers)
    {
        if (envelope.Type != nameof(DataSubjectRequested) || envelope.Source != "Customer")
        {
            return TypedResults.Ok(new InboxResponse(envelope.Id, InboxOutcome.Unhandled));
        }

        var requested = envelope.PayloadAs<DataSubjectRequested>();
        var input = new DataSubjectRequestInput(requested.RequestId, requested.CustomerId, requested.Kind, Contexts, options.Value.ToSettings());
        try
        {
            await temporal.StartWorkflowAsync((DataSubjectRequestWorkflow workflow) => workflow.RunAsync(input),
                new WorkflowOptions(DataSubjectRequestWorkflow.IdFor(requested.RequestId), DataSubjectRequestWorkflow.TaskQueue)
                {
                    IdReusePolicy = WorkflowIdReusePolicy.RejectDuplicate,
                    TypedSearchAttributes = new SearchAttributeCollection.Builder()
                        .Set(OrderSearchAttributes.CustomerId, requested.CustomerId.ToString())
                        .Set(OrderSearchAttributes.NeedsAttention, false)
                        .ToSearchAttributeCollection(),
                });
        }
        catch (WorkflowAlreadyStartedException)
        {
            loggers.CreateLogger(typeof(DataSubjectsModule)).LogInformation(
                "Data-subject request {RequestId} already has its workflow", requested.RequestId);
            return TypedResults.Ok(new InboxResponse(envelope.Id, InboxOutcome.Duplicate));
        }

        return TypedResults.Ok(new InboxResponse(envelope.Id, InboxOutcome.Processed));
    }
}

/// <summary><c>DataSubjects:Workflow</c>: each call's retry budget before the request parks for an operator.</summary>
public sealed class DataSubjectOptions
{
    public const string Section = "DataSubjects:Workflow";

    public int StepMaxAttempts { get; set; } = DataSubjectSettings.Default.StepMaxAttempts;

    public TimeSpan StepInitialRetryInterval { get; set; } = DataSubjectSettings.Default.StepInitialRetryInterval;

    public TimeSpan StepMaximumRetryInterval { get; set; } = DataSubjectSettings.Default.StepMaximumRetryInterval;

    public TimeSpan StepAttemptTimeout { get; set; } = DataSubjectSettings.Default.StepAttemptTimeout;

    public DataSubjectSettings ToSettings() => new(StepMaxAttempts, StepInitialRetryInterval, StepMaximumRetryInterval, StepAttemptTimeout);
}

/// <summary>Every context's data-subject routes at the context's own address, with the workflow's token.</summary>
internal sealed class DataSubjectOwners(IHttpClientFactory clients, [FromKeyedServices(DataSubjectsModule.Name)] ICustomerApi customer) : IDataSubjectOwners
{
    private static readonly RefitSettings Settings = new() { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) };

    public ICustomerApi Customer { get; } = customer;

    public IDataSubjectsApi For(string context) => RestService.For<IDataSubjectsApi>(clients.CreateClient(DataSubjectsModule.ClientName(context)), Settings);
}

/// <summary>
/// Registers the attention attributes (the order saga's: one query lists every workflow needing an operator) before
/// the worker polls: upserting an unregistered attribute fails a workflow task.
/// </summary>
internal sealed class AttentionAttributes(ITemporalClient client, ILogger<AttentionAttributes> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await OrderSearchAttributes.RegisterAsync(client);
                return;
            }
            catch (Exception e) when (DateTime.UtcNow < deadline && e is not OperationCanceledException)
            {
                logger.LogWarning("Temporal not ready for search attribute registration (attempt {Attempt}): {Error}", attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
