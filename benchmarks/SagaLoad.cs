using System.Collections.Concurrent;
using System.Diagnostics;
using Commerce.Workflows.OrderSaga;
using Temporalio.Api.Enums.V1;

namespace Commerce.Benchmarks;

/// <summary>An order to submit and the payment method it is submitted with.</summary>
internal sealed record BenchOrder(Guid Order, Guid Method);

/// <summary>
/// One submit: when it was due (closed loop: when it was sent), how long from then until the answer, how late the
/// load generator sent it, and the answer (<see cref="SagaLoad.Accepted"/>, <see cref="SagaLoad.Pending"/> or
/// anything else, e.g. an HTTP status).
/// </summary>
internal sealed record Submission(Guid Order, DateTimeOffset DueAt, double Milliseconds, double LateMilliseconds, string Outcome);

/// <summary>
/// Submits sagas the two ways the benchmarks do, counts what Temporal bills for them, and waits for them; the same
/// for the whole system (submits through the Checkout API) and for the bare-Temporal ceiling (submits with the
/// saga client), so the two are measured alike.
/// </summary>
internal static class SagaLoad
{
    public const string Accepted = "accepted";
    public const string Pending = "pending";

    /// <summary>At most <paramref name="concurrency"/> submits in flight; each is sent when an earlier one has answered.</summary>
    public static async Task<List<Submission>> ClosedLoopAsync(
        IReadOnlyList<BenchOrder> orders, int concurrency, Func<BenchOrder, CancellationToken, Task<string>> submit)
    {
        var submissions = new ConcurrentBag<Submission>();
        await Parallel.ForEachAsync(orders, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (order, ct) =>
        {
            var sentAt = DateTimeOffset.UtcNow;
            var start = Stopwatch.GetTimestamp();
            var outcome = await submit(order, ct);
            submissions.Add(new Submission(order.Order, sentAt, Stopwatch.GetElapsedTime(start).TotalMilliseconds, 0, outcome));
        });
        return [.. submissions];
    }

    /// <summary>
    /// Open loop: submit i is due at i / <paramref name="rate"/> seconds and is sent then whether or not earlier ones
    /// have answered; its latency counts from when it was due, so a stalled system or a late load generator shows in
    /// the figures instead of slowing the arrivals down (no coordinated omission).
    /// </summary>
    public static async Task<List<Submission>> OpenLoopAsync(
        IReadOnlyList<BenchOrder> orders, double rate, Func<BenchOrder, CancellationToken, Task<string>> submit)
    {
        var origin = Stopwatch.GetTimestamp();
        var originWall = DateTimeOffset.UtcNow;
        var sends = new List<Task<Submission>>(orders.Count);
        for (var i = 0; i < orders.Count; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate);
            if (due - Stopwatch.GetElapsedTime(origin) is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait);
            }

            var order = orders[i];
            // On the thread pool, so a send's synchronous part (serialisation, connection set-up) never delays the next one's.
            sends.Add(Task.Run(async () =>
            {
                var late = Stopwatch.GetElapsedTime(origin) - due;
                var outcome = await submit(order, CancellationToken.None);
                var answered = Stopwatch.GetElapsedTime(origin) - due;
                return new Submission(order.Order, originWall + due, answered.TotalMilliseconds, late.TotalMilliseconds, outcome);
            }));
        }

        return [.. await Task.WhenAll(sends)];
    }

    /// <summary>Every saga's outcome (Delivered on the happy path), once each has finished.</summary>
    public static async Task<string[]> WaitForSagasAsync(OrderSagaClient sagas, IEnumerable<Guid> orders) =>
        await Task.WhenAll(orders.Select(async id => (await sagas.Handle(id).GetResultAsync()).Outcome));

    /// <summary>
    /// History events a Temporal service bills as actions: workflow started, activity scheduled plus one per retry
    /// (attempt - 1 on the started event), timer started, signal received, update accepted (one action per update).
    /// </summary>
    public static async Task<ActionCount> CountActionsAsync(OrderSagaClient sagas, IEnumerable<Guid> orders)
    {
        var total = new ActionCount();
        foreach (var id in orders)
        {
            total.Orders++;
            var history = await sagas.Handle(id).FetchHistoryAsync();
            foreach (var e in history.Events)
            {
                total.Events++;
                switch (e.EventType)
                {
                    case EventType.WorkflowExecutionStarted: total.Started++; break;
                    case EventType.ActivityTaskScheduled: total.Activities++; break;
                    case EventType.ActivityTaskStarted: total.Retries += Math.Max(0, e.ActivityTaskStartedEventAttributes.Attempt - 1); break;
                    case EventType.TimerStarted: total.Timers++; break;
                    case EventType.WorkflowExecutionSignaled: total.Signals++; break;
                    case EventType.WorkflowExecutionUpdateAccepted: total.Updates++; break;
                    case EventType.UpsertWorkflowSearchAttributes: total.Upserts++; break;
                    case EventType.WorkflowTaskScheduled: total.WorkflowTasks++; break;
                }
            }
        }

        return total;
    }

    /// <summary>p50, p95, p99 and max of <paramref name="milliseconds"/>, in ms.</summary>
    public static string Describe(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToList();
        return $"p50 {Targets.Percentile(sorted, 50):F0} ms, p95 {Targets.Percentile(sorted, 95):F0} ms, "
               + $"p99 {Targets.Percentile(sorted, 99):F0} ms, max {(sorted.Count == 0 ? double.NaN : sorted[^1]):F0} ms";
    }
}

internal sealed class ActionCount
{
    public long Orders { get; set; }

    public long Started { get; set; }

    public long Activities { get; set; }

    public long Retries { get; set; }

    public long Timers { get; set; }

    public long Signals { get; set; }

    public long Updates { get; set; }

    public long Upserts { get; set; }

    public long WorkflowTasks { get; set; }

    public long Events { get; set; }

    public long Billed => Started + Activities + Retries + Timers + Signals + Updates;

    public double PerOrder(long count) => count / (double)Math.Max(1, Orders);

    public string Describe() =>
        $"start {PerOrder(Started):F2} + activities {PerOrder(Activities):F2} + retries {PerOrder(Retries):F2} "
        + $"+ timers {PerOrder(Timers):F2} + signals {PerOrder(Signals):F2} + updates {PerOrder(Updates):F2}";

    /// <summary>What is not billed but shows the saga's shape: workflow tasks, history events, search-attribute upserts.</summary>
    public string Shape() =>
        $"{PerOrder(WorkflowTasks):F2} workflow tasks, {PerOrder(Events):F1} history events, {PerOrder(Upserts):F2} search-attribute upserts";
}
