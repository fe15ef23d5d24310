using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Failure.V1;

namespace Commerce.OfflineTemporal.Engine;

/// <summary>What a new run starts from, whether a client start, a child, or a continue-as-new.</summary>
internal sealed class RunSpec
{
    public required string Namespace { get; init; }

    public required string WorkflowId { get; init; }

    public required string WorkflowType { get; init; }

    public required string TaskQueue { get; init; }

    public Payloads? Input { get; init; }

    public Header? Header { get; init; }

    public TimeSpan? ExecutionTimeout { get; init; }

    public TimeSpan? RunTimeout { get; init; }

    public TimeSpan? TaskTimeout { get; init; }

    public string Identity { get; init; } = "";

    public string RequestId { get; init; } = Guid.NewGuid().ToString();

    public Memo? Memo { get; init; }

    public SearchAttributes? SearchAttributes { get; init; }

    public RetryPolicy? RetryPolicy { get; init; }

    public TimeSpan? StartDelay { get; init; }

    public WorkflowRun? Parent { get; init; }

    public long ParentInitiatedEventId { get; init; }

    public ParentClosePolicy ParentClosePolicy { get; init; }

    public WorkflowRun? ContinuedFrom { get; init; }

    public ContinueAsNewInitiator Initiator { get; init; }

    public Failure? ContinuedFailure { get; init; }

    public Payloads? LastCompletionResult { get; init; }

    public static TimeSpan? Positive(Google.Protobuf.WellKnownTypes.Duration? d) =>
        d is null || d.ToTimeSpan() <= TimeSpan.Zero ? null : d.ToTimeSpan();
}
