using System.Diagnostics.Metrics;
using Temporalio.Runtime;

namespace Commerce.Workflows.Temporal;

/// <summary>
/// The SDK's own metrics (worker poll and task latencies, slots, request failures, workflow and activity
/// completions...) recorded to the <see cref="Meter"/> "Commerce.Temporal", where OpenTelemetry (or any
/// MeterListener) reads them like the process's other metrics. One runtime per process: a runtime owns the SDK's
/// native threads and every client and worker connected with it shares them.
/// </summary>
public sealed class TemporalMetrics : ICustomMetricMeter
{
    public const string MeterName = "Commerce.Temporal";

    private static readonly Lazy<TemporalRuntime> LazyRuntime = new(() => new TemporalRuntime(new TemporalRuntimeOptions
    {
        Telemetry = new TelemetryOptions { Metrics = new MetricsOptions { CustomMetricMeter = new TemporalMetrics(new Meter(MeterName)) } },
    }));

    private readonly Meter meter;

    private TemporalMetrics(Meter meter) => this.meter = meter;

    public static TemporalRuntime Runtime => LazyRuntime.Value;

    public ICustomMetricCounter<T> CreateCounter<T>(string name, string? unit, string? description)
        where T : struct => new Counter<T>(meter.CreateCounter<T>(name, Unit(unit), description));

    // With the default options, durations arrive as whole milliseconds.
    public ICustomMetricHistogram<T> CreateHistogram<T>(string name, string? unit, string? description)
        where T : struct => new Histogram<T>(meter.CreateHistogram<T>(name, Unit(unit), description));

    public ICustomMetricGauge<T> CreateGauge<T>(string name, string? unit, string? description)
        where T : struct => new Gauge<T>(meter.CreateGauge<T>(name, Unit(unit), description));

    /// <summary>An immutable array: the SDK extends a tag set it already holds, so it must not change under it.</summary>
    public object CreateTags(object? appendFrom, IReadOnlyCollection<KeyValuePair<string, object>> tags) =>
        (KeyValuePair<string, object?>[])[
            .. appendFrom as KeyValuePair<string, object?>[] ?? [],
            .. tags.Select(tag => new KeyValuePair<string, object?>(tag.Key, tag.Value)),
        ];

    private static string? Unit(string? unit) => unit == "duration" ? "ms" : unit;

    private sealed class Counter<T>(System.Diagnostics.Metrics.Counter<T> counter) : ICustomMetricCounter<T>
        where T : struct
    {
        public void Add(T value, object tags) => counter.Add(value, (KeyValuePair<string, object?>[])tags);
    }

    private sealed class Histogram<T>(System.Diagnostics.Metrics.Histogram<T> histogram) : ICustomMetricHistogram<T>
        where T : struct
    {
        public void Record(T value, object tags) => histogram.Record(value, (KeyValuePair<string, object?>[])tags);
    }

    private sealed class Gauge<T>(System.Diagnostics.Metrics.Gauge<T> gauge) : ICustomMetricGauge<T>
        where T : struct
    {
        public void Set(T value, object tags) => gauge.Record(value, (KeyValuePair<string, object?>[])tags);
    }
}
