using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Commerce.ServiceDefaults.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>Every source and meter of this repository's own code is named Commerce.* (outbox, inbox, Temporal).</summary>
    public const string CommerceSources = "Commerce.*";

    /// <summary>
    /// Once per host process, named <paramref name="serviceName"/> unless OTEL_SERVICE_NAME is set: OpenTelemetry traces and
    /// metrics of incoming requests (ASP.NET Core), outgoing calls (HttpClient: owner calls, event deliveries),
    /// PostgreSQL commands (Npgsql), the outbox and inbox, the Temporal client, workflows and activities, the
    /// Temporal SDK's own metrics and the .NET runtime's. Exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is
    /// set (with the standard OTEL_* variables), else nowhere; sampling is the default parent-based always-on.
    /// </summary>
    public static IHostApplicationBuilder AddCommerceTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var export = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME, when set, is read by the SDK itself and wins.
                if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService(serviceName);
                }
            })
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsHealthProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource(CommerceSources))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Npgsql")
                .AddMeter(CommerceSources));
        if (export)
        {
            telemetry.WithTracing(tracing => tracing.AddOtlpExporter()).WithMetrics(metrics => metrics.AddOtlpExporter());
        }

        return builder;
    }

    private static bool IsHealthProbe(PathString path) => path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);
}
