using System.Diagnostics;
using Temporalio.Worker.Interceptors;
using Temporalio.Workflows;

namespace Commerce.Workflows.Temporal;

/// <summary>The interceptor's workflow side: it runs on the workflow scheduler, so it follows the workflow rules.</summary>
public sealed partial class TracingInterceptor
{
    private sealed class WorkflowInbound(WorkflowInboundInterceptor next) : WorkflowInboundInterceptor(next)
    {
        public override void Init(WorkflowOutboundInterceptor outbound) => base.Init(new WorkflowOutbound(outbound));

        public override Task<object?> ExecuteWorkflowAsync(ExecuteWorkflowInput input)
        {
            Mark($"RunWorkflow:{Workflow.Info.WorkflowType}", ActivityKind.Server, link: default);
            return base.ExecuteWorkflowAsync(input);
        }

        public override Task HandleSignalAsync(HandleSignalInput input)
        {
            Mark($"HandleSignal:{input.Signal}", ActivityKind.Server, ContextFrom(input.Headers));
            return base.HandleSignalAsync(input);
        }

        public override Task<object?> HandleUpdateAsync(HandleUpdateInput input)
        {
            Mark($"HandleUpdate:{input.Update}", ActivityKind.Server, ContextFrom(input.Headers));
            return base.HandleUpdateAsync(input);
        }
    }

    private sealed class WorkflowOutbound(WorkflowOutboundInterceptor next) : WorkflowOutboundInterceptor(next)
    {
        public override Task<TResult> ScheduleActivityAsync<TResult>(ScheduleActivityInput input) =>
            base.ScheduleActivityAsync<TResult>(input with
            {
                Headers = WithContext(input.Headers, Mark($"StartActivity:{input.Activity}", ActivityKind.Client, link: default)),
            });

        public override Task<TResult> ScheduleLocalActivityAsync<TResult>(ScheduleLocalActivityInput input) =>
            base.ScheduleLocalActivityAsync<TResult>(input with
            {
                Headers = WithContext(input.Headers, Mark($"StartActivity:{input.Activity}", ActivityKind.Client, link: default)),
            });

        public override Task<ChildWorkflowHandle<TWorkflow, TResult>> StartChildWorkflowAsync<TWorkflow, TResult>(StartChildWorkflowInput input) =>
            base.StartChildWorkflowAsync<TWorkflow, TResult>(input with
            {
                Headers = WithContext(input.Headers, Mark($"StartChildWorkflow:{input.Workflow}", ActivityKind.Client, link: default)),
            });
    }

    /// <summary>
    /// An instantaneous span under the context the workflow was started with, when not replaying; returns its
    /// context, or the start's own context when replaying (the history's headers are the same on every replay).
    /// </summary>
    private static ActivityContext Mark(string name, ActivityKind kind, ActivityContext link)
    {
        var parent = ContextFrom(Workflow.Info.Headers);
        if (parent == default || Workflow.Unsafe.IsReplaying)
        {
            return parent;
        }

        using var span = Source.StartActivity(name, kind, parent,
            tags: [new("temporalWorkflowID", Workflow.Info.WorkflowId), new("temporalRunID", Workflow.Info.RunId)],
            links: link == default ? null : [new ActivityLink(link)]);
        return span?.Context ?? parent;
    }
}
