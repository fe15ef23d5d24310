using System.Diagnostics;
using Temporalio.Api.Common.V1;
using Temporalio.Client;
using Temporalio.Client.Interceptors;
using Temporalio.Converters;
using Temporalio.Worker.Interceptors;
using Temporalio.Workflows;

namespace Commerce.Workflows.Temporal;

/// <summary>
/// Carries the W3C trace context from the caller through Temporal: the client puts it in a header of each start,
/// update-with-start, signal and update; the workflow hands its start's context to every activity it schedules;
/// an activity runs in a span that is a child of it, so its owner calls (HttpClient) join the caller's trace.
/// The header is the one Temporal's own OpenTelemetry interceptor uses, so the two interoperate.
/// Workflow spans are instantaneous marks, created only when the code is not replaying: a workflow outlives any
/// one worker process and replays its history, so it cannot hold a span open nor emit one twice. The parts that run
/// inside workflows are in TracingInterceptor.workflow.cs, under the workflow rules.
/// </summary>
public sealed partial class TracingInterceptor : IClientInterceptor, IWorkerInterceptor
{
    /// <summary>Source of every span this interceptor creates (client calls, workflow marks, activity runs).</summary>
    public static readonly ActivitySource Source = new("Commerce.Temporal");

    public const string HeaderKey = "_tracer-data";

    private const string TraceParent = "traceparent";
    private const string TraceState = "tracestate";

    public ClientOutboundInterceptor InterceptClient(ClientOutboundInterceptor nextInterceptor) => new ClientOutbound(nextInterceptor);

    public WorkflowInboundInterceptor InterceptWorkflow(WorkflowInboundInterceptor nextInterceptor) => new WorkflowInbound(nextInterceptor);

    public ActivityInboundInterceptor InterceptActivity(ActivityInboundInterceptor nextInterceptor) => new ActivityInbound(nextInterceptor);

    /// <summary>Returns <paramref name="headers"/> (or new ones) carrying <paramref name="context"/>; unchanged when there is none.</summary>
    private static IDictionary<string, Payload>? WithContext(IDictionary<string, Payload>? headers, ActivityContext context)
    {
        if (context == default)
        {
            return headers;
        }

        var carrier = new Dictionary<string, string> { [TraceParent] = Format(context) };
        if (context.TraceState is { Length: > 0 } state)
        {
            carrier[TraceState] = state;
        }

        headers ??= new Dictionary<string, Payload>();
        // Headers are encoded by the client and worker afterwards; this is the plain payload.
        headers[HeaderKey] = DataConverter.Default.PayloadConverter.ToPayload(carrier);
        return headers;
    }

    private static ActivityContext ContextFrom(IReadOnlyDictionary<string, Payload>? headers)
    {
        if (headers is null || !headers.TryGetValue(HeaderKey, out var payload))
        {
            return default;
        }

        var carrier = DataConverter.Default.PayloadConverter.ToValue<Dictionary<string, string>>(payload);
        return carrier.TryGetValue(TraceParent, out var parent)
               && ActivityContext.TryParse(parent, carrier.GetValueOrDefault(TraceState), isRemote: true, out var context)
            ? context
            : default;
    }

    private static string Format(ActivityContext context) =>
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{(context.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? "01" : "00")}";

    private static void RecordFailure(Activity? span, Exception exception)
    {
        span?.SetStatus(ActivityStatusCode.Error, exception.Message);
        span?.AddException(exception);
    }

    private sealed class ClientOutbound(ClientOutboundInterceptor next) : ClientOutboundInterceptor(next)
    {
        public override async Task<WorkflowHandle<TWorkflow, TResult>> StartWorkflowAsync<TWorkflow, TResult>(StartWorkflowInput input)
        {
            using var span = StartSpan($"StartWorkflow:{input.Workflow}", input.Options.Id);
            try
            {
                return await base.StartWorkflowAsync<TWorkflow, TResult>(
                    input with { Headers = WithContext(input.Headers, Current(span)) }).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                RecordFailure(span, e);
                throw;
            }
        }

        public override async Task<WorkflowUpdateHandle<TUpdateResult>> StartUpdateWithStartWorkflowAsync<TUpdateResult>(
            StartUpdateWithStartWorkflowInput input)
        {
            var start = input.Options.StartWorkflowOperation;
            using var span = StartSpan($"UpdateWithStartWorkflow:{start?.Workflow}", start?.Options.Id);
            var context = Current(span);
            if (start is not null && context != default)
            {
                // The update's header reaches the update handler, the start's the workflow run (and so its activities).
                var operation = (WithStartWorkflowOperation)start.Clone();
                operation.Headers = WithContext(operation.Headers, context);
                input.Options.StartWorkflowOperation = operation;
            }

            try
            {
                return await base.StartUpdateWithStartWorkflowAsync<TUpdateResult>(
                    input with { Headers = WithContext(input.Headers, context) }).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                RecordFailure(span, e);
                throw;
            }
        }

        public override async Task SignalWorkflowAsync(SignalWorkflowInput input)
        {
            using var span = StartSpan($"SignalWorkflow:{input.Signal}", input.Id);
            try
            {
                await base.SignalWorkflowAsync(input with { Headers = WithContext(input.Headers, Current(span)) }).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                RecordFailure(span, e);
                throw;
            }
        }

        public override async Task<WorkflowUpdateHandle<TResult>> StartWorkflowUpdateAsync<TResult>(StartWorkflowUpdateInput input)
        {
            using var span = StartSpan($"UpdateWorkflow:{input.Update}", input.Id);
            try
            {
                return await base.StartWorkflowUpdateAsync<TResult>(
                    input with { Headers = WithContext(input.Headers, Current(span)) }).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                RecordFailure(span, e);
                throw;
            }
        }

        private static Activity? StartSpan(string name, string? workflowId) =>
            Source.StartActivity(name, ActivityKind.Client, parentContext: default,
                tags: workflowId is null ? null : [new("temporalWorkflowID", workflowId)]);

        /// <summary>The span just started, else the caller's (no listener sampled ours), else none.</summary>
        private static ActivityContext Current(Activity? span) => (span ?? Activity.Current)?.Context ?? default;
    }

    private sealed class ActivityInbound(ActivityInboundInterceptor next) : ActivityInboundInterceptor(next)
    {
        public override async Task<object?> ExecuteActivityAsync(ExecuteActivityInput input)
        {
            var info = Temporalio.Activities.ActivityExecutionContext.Current.Info;
            using var span = Source.StartActivity($"RunActivity:{input.Activity.Name}", ActivityKind.Server, ContextFrom(input.Headers),
                tags:
                [
                    new("temporalWorkflowID", info.WorkflowId), new("temporalRunID", info.WorkflowRunId),
                    new("temporalActivityID", info.ActivityId), new("temporalAttempt", info.Attempt),
                ]);
            try
            {
                return await base.ExecuteActivityAsync(input).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                RecordFailure(span, e);
                throw;
            }
        }
    }
}
