using System.Text.Json.Serialization;
using Commerce.ServiceDefaults.Audit;
using Commerce.ServiceDefaults.Privacy;
using Commerce.ServiceDefaults.Retention;
using Commerce.ServiceDefaults.Security;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Refit;
using Scalar.AspNetCore;

namespace Commerce.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    /// <summary>Request bodies above this are rejected with 413 before any endpoint runs.</summary>
    public const long MaxRequestBodyBytes = 256 * 1024;

    /// <summary>
    /// Once per host, before any context: problem details (400/404/409/422 shapes), strict JSON, body size limit,
    /// health checks, OpenAPI, the outbox dispatcher's HTTP client and options, service addresses.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // Every 503 says when to come back, whichever code wrote it (an endpoint or the exception handler).
            if (context.ProblemDetails.Status == StatusCodes.Status503ServiceUnavailable)
            {
                context.HttpContext.Response.Headers.RetryAfter = Problems.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        });
        services.AddExceptionHandler<CommerceExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o =>
        {
            CommerceJson.Configure(o.SerializerOptions);

            // Request bodies only (events and Refit stay tolerant): a field the API does not know, or one sent twice,
            // is a mistake or a probe, and silently ignoring it would hide that.
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.AllowDuplicateProperties = false;
        });
        services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        services.AddHealthChecks();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ServiceAddresses>();
        services.AddSingleton<EventSubscriptions>();
        services.Configure<OutboxOptions>(builder.Configuration.GetSection("Commerce:Outbox"));
        services.AddHttpClient(ServiceTokens.HttpClientName);
        services.Configure<RetentionOptions>(builder.Configuration.GetSection("Commerce:Retention"));
        AuditTrail.ValidateRetention(services);
        services.AddCommerceRateLimiter();
        builder.AddCommerceAuthentication();
        return builder;
    }

    /// <summary>
    /// Registers a context: its DbContext on its own connection string (ConnectionStrings:{name}, else derived from
    /// ConnectionStrings:Admin with role commerce_{name}) with migrations history in its own schema, its readiness
    /// check, its OpenAPI document "{name lowercase}", its outbox dispatcher, its retention sweeper and its inbox endpoint.
    /// The DbContext must call <see cref="MessagingModel.AddCommerceMessaging"/> and use the schema as default.
    /// </summary>
    public static CommerceContextBuilder<TDbContext> AddCommerceContext<TDbContext>(this IHostApplicationBuilder builder, string name)
        where TDbContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        var schema = name.ToLowerInvariant();
        // `dotnet ef` builds the host only to find the model and never connects.
        var connectionString = ConnectionStringFor(builder.Configuration, name, defaultPasswordAllowed: builder.Environment.IsDevelopment() || EF.IsDesignTime);
        var registration = new CommerceContextRegistration(name, schema, WithPoolDefaults(connectionString), typeof(TDbContext));
        var services = builder.Services;

        services.AddSingleton(registration);
        // The options depend on nothing per request: build them once (singleton) rather than once per scope.
        services.AddDbContext<TDbContext>(options => options
                .UseNpgsql(registration.ConnectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history", schema))
                .AddInterceptors(new OutboxSignalInterceptor(registration.Signal)),
            optionsLifetime: ServiceLifetime.Singleton);
        registration.ResolveDbContext = sp => sp.GetRequiredService<TDbContext>();

        services.AddHealthChecks().AddCheck<DatabaseHealthCheck<TDbContext>>($"{schema}-database", tags: ["ready"]);
        services.AddOpenApi(registration.Slug, ProblemResponses.Describe);
        services.AddHttpClient(OutboxDispatcher.HttpClientNameFor(registration))
            .AddHttpMessageHandler(sp => new ServiceTokenHandler(sp.GetRequiredService<ServiceTokens>(), Clients.For(name)));
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp =>
            ActivatorUtilities.CreateInstance<OutboxDispatcher>(sp, registration));
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp =>
            ActivatorUtilities.CreateInstance<RetentionSweeper>(sp, registration));
        return new CommerceContextBuilder<TDbContext>(builder, registration)
            .RetainRecords(AuditTrail.RetainedRecordsName, AuditTrail.DefaultRetention, (db, cutoff) => db.Set<AuditRecord>()
                .Where(r => r.RecordedAt < cutoff).OrderBy(r => r.RecordedAt));
    }

    /// <summary>
    /// A Refit client for another context's API (its contracts' interface), based at Services:{context}:BaseUrl or
    /// this host's own address — co-hosted contexts still call each other over HTTP. It is registered under the
    /// caller's name as key (inject it with <c>[FromKeyedServices(caller)]</c>) and sends that caller's own token
    /// (client credentials of <see cref="Clients.For"/> the caller), so the owner sees who calls and co-hosted callers
    /// never share an identity; with <paramref name="actForRequestCaller"/> it sends the token of the request being
    /// served instead (a facade acting for its caller).
    /// </summary>
    public static IHttpClientBuilder AddContextClient<TApi>(
        this IHostApplicationBuilder builder, string context, string caller, bool actForRequestCaller = false)
        where TApi : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) };
        var clientName = $"{caller}->{context}:{typeof(TApi).Name}";
        builder.Services.AddKeyedTransient<TApi>(caller, (sp, _) =>
            RestService.For<TApi>(sp.GetRequiredService<IHttpClientFactory>().CreateClient(clientName), settings));
        var client = builder.Services.AddHttpClient(clientName)
            .ConfigureHttpClient((sp, http) => http.BaseAddress = sp.GetRequiredService<ServiceAddresses>().For(context));
        return actForRequestCaller
            ? client.AddHttpMessageHandler(sp => new CallerTokenHandler(sp.GetRequiredService<IHttpContextAccessor>()))
            : client.AddHttpMessageHandler(sp => new ServiceTokenHandler(sp.GetRequiredService<ServiceTokens>(), Clients.For(caller)));
    }

    /// <summary>
    /// An OpenAPI document for endpoints that belong to no context (Checkout's), listed on the Scalar page with
    /// the contexts' own. Map its endpoints in a group with <c>WithGroupName(name)</c> (see <see cref="MapContextGroup"/>).
    /// </summary>
    public static IHostApplicationBuilder AddApiDocument(this IHostApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOpenApi(name, ProblemResponses.Describe);
        builder.Services.AddSingleton(new ApiDocument(name));
        return builder;
    }

    /// <summary>
    /// Once per host, after Build: exception → problem details, authentication, authorization and rate limits,
    /// /health/live, /health/ready, each context's /events/{context} inbox, /ops/{context}/dead-letters and
    /// /ops/{context}/audit, and in Development /openapi/{context}.json plus the Scalar reference at /scalar.
    /// </summary>
    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        // 401/403 leave an empty body: this writes it as problem details.
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        // After authorization: a limit partitioned by caller knows the caller, and a refused token costs no permit.
        app.UseRateLimiter();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();

        var contexts = app.Services.GetServices<CommerceContextRegistration>().ToList();
        foreach (var context in contexts)
        {
            app.MapMessaging(context);
            app.MapAuditTrail(context);
            app.MapPersonalData(context);
        }

        if (app.Environment.IsDevelopment())
        {
            app.MapOpenApi().AllowAnonymous();
            app.MapScalarApiReference(options => options
                .WithTitle("Commerce")
                .AddDocuments([.. contexts.Select(c => c.Slug), .. app.Services.GetServices<ApiDocument>().Select(d => d.Name)]))
                .AllowAnonymous();
        }

        return app;
    }

    /// <summary>
    /// The route group of a context's API: its prefix, OpenAPI document and tag, its body problems, 503 (its
    /// database, or a service it calls, unreachable), and its audit trail (<see cref="AuditTrail"/>) when the context
    /// is registered in this host — Checkout owns no schema: what it does is audited by the owners it calls.
    /// </summary>
    public static RouteGroupBuilder MapContextGroup(this IEndpointRouteBuilder endpoints, string context, string prefix)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(prefix).WithGroupName(context.ToLowerInvariant()).WithTags(context).ProducesBodyProblems()
            .ProducesAuthorizationProblems().ProducesProblems(StatusCodes.Status503ServiceUnavailable);
        if (endpoints.ServiceProvider.GetServices<CommerceContextRegistration>().FirstOrDefault(r => r.Name == context) is { } owner)
        {
            group.WithAuditTrail(owner, endpoints.ServiceProvider);
        }

        return group;
    }

    /// <summary>
    /// A context's own connections are at most <see cref="MaxPoolSizePerContext"/> per process: every context keeps a
    /// pool of its own (its own role), and at Npgsql's default of 100 thirteen pools grown by a burst hold idle
    /// connections the others can no longer open, so PostgreSQL refuses new ones ("too many clients") long after the
    /// burst. Requests beyond the cap wait for a connection instead; on two cores more would only queue in PostgreSQL.
    /// Statements used often are prepared once per physical connection (Npgsql auto-prepare), and a connection taken
    /// from the pool is not reset (no RESET ALL / CLOSE ALL / ... before the next command) since contexts keep no
    /// session state; an open transaction is still rolled back on return.
    /// A connection string that sets any of these keywords keeps its own value.
    /// </summary>
    /// <summary>Thirteen contexts at this many fit PostgreSQL's <c>max_connections</c> of 300 (run.sh) with room for tools.</summary>
    public const int MaxPoolSizePerContext = 20;

    internal static string WithPoolDefaults(string connectionString)
    {
        // What the string itself says: Npgsql's own builder answers ContainsKey true for every keyword it knows.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Sets(given, "Maximum Pool Size", nameof(builder.MaxPoolSize)))
        {
            builder.MaxPoolSize = MaxPoolSizePerContext;
        }

        if (!Sets(given, "Max Auto Prepare", nameof(builder.MaxAutoPrepare)))
        {
            builder.MaxAutoPrepare = 64;
        }

        if (!Sets(given, "No Reset On Close", nameof(builder.NoResetOnClose)))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;

        static bool Sets(System.Data.Common.DbConnectionStringBuilder given, string keyword, string property) =>
            given.ContainsKey(keyword) || given.ContainsKey(property);
    }

    /// <summary>
    /// ConnectionStrings:{context}, else ConnectionStrings:Admin with the context's role and its password from
    /// Commerce:RolePasswords:{context}, else the default password <c>commerce_{context}_local</c>. That default is the
    /// same on every machine, so unless <paramref name="defaultPasswordAllowed"/> (Development, where run.sh generates
    /// per-machine passwords anyway) a connection string that would log in with it is refused, naming what to set.
    /// </summary>
    public static string ConnectionStringFor(IConfiguration configuration, string context, bool defaultPasswordAllowed = true)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var role = $"commerce_{context.ToLowerInvariant()}";
        var defaultPassword = $"{role}_local";
        var configured = configuration.GetConnectionString(context);
        string connectionString;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            connectionString = configured;
        }
        else
        {
            var admin = configuration.GetConnectionString("Admin")
                        ?? throw new InvalidOperationException($"Configure ConnectionStrings:{context} (or ConnectionStrings:Admin to derive it).");
            var password = configuration[$"Commerce:RolePasswords:{context}"];
            connectionString = new NpgsqlConnectionStringBuilder(admin)
            {
                Username = role,
                Password = string.IsNullOrEmpty(password) ? defaultPassword : password,
            }.ConnectionString;
        }

        if (!defaultPasswordAllowed && new NpgsqlConnectionStringBuilder(connectionString).Password == defaultPassword)
        {
            throw new InvalidOperationException(
                $"The {context} context would log in to PostgreSQL as {role} with the default password, which is the same on every " +
                $"machine and allowed only in Development. Set ConnectionStrings:{context} (a connection string with a password of its " +
                $"own) or Commerce:RolePasswords:{context} (the password of {role}, used with ConnectionStrings:Admin); as environment " +
                $"variables ConnectionStrings__{context} or Commerce__RolePasswords__{context}.");
        }

        return connectionString;
    }
}

/// <summary>An extra OpenAPI document registered with <see cref="ServiceDefaultsExtensions.AddApiDocument"/>.</summary>
public sealed record ApiDocument(string Name);
