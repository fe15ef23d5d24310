using System.Globalization;
using System.Text;
using Commerce.OfflineTemporal.Grpc;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.Workflow.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Commerce.OfflineTemporal.Engine;

internal sealed partial class TemporalEngine
{
    /// <summary>
    /// Full history (paged by event index) or, with the close-event filter, a long poll that answers
    /// when the run closes. A long poll that times out returns no events and a token to retry with.
    /// </summary>
    public async Task<GetWorkflowExecutionHistoryResponse> GetHistoryAsync(GetWorkflowExecutionHistoryRequest req, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + LongPollTimeout;
        var closeOnly = req.HistoryEventFilterType == HistoryEventFilterType.CloseEvent;
        var from = DecodePageToken(req.NextPageToken);
        while (true)
        {
            Task changed;
            lock (Gate)
            {
                var run = FindRun(req.Namespace, req.Execution?.WorkflowId ?? "", req.Execution?.RunId);
                if (closeOnly)
                {
                    if (!run.IsOpen)
                    {
                        return new GetWorkflowExecutionHistoryResponse { History = new History { Events = { run.CloseEvent } } };
                    }
                }
                else if (from < run.HistoryLength || !req.WaitNewEvent || !run.IsOpen)
                {
                    var pageSize = req.MaximumPageSize > 0 ? req.MaximumPageSize : int.MaxValue;
                    var events = run.History.Skip(from).Take(pageSize).ToList();
                    var next = from + events.Count;
                    return new GetWorkflowExecutionHistoryResponse
                    {
                        History = new History { Events = { events } },
                        NextPageToken = next < run.HistoryLength ? EncodePageToken(next) : ByteString.Empty,
                    };
                }

                if (!req.WaitNewEvent)
                {
                    return new GetWorkflowExecutionHistoryResponse { History = new History() };
                }

                // A close-only poll (how clients wait for a result) is not woken by every event.
                var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                (closeOnly ? run.CloseWaiters : run.HistoryWaiters).Add(tcs);
                changed = tcs.Task;
            }

            var remaining = deadline - DateTime.UtcNow;
            try
            {
                if (remaining <= TimeSpan.Zero)
                {
                    throw new TimeoutException();
                }

                await changed.WaitAsync(remaining, cancellation);
            }
            catch (TimeoutException)
            {
                return new GetWorkflowExecutionHistoryResponse { History = new History(), NextPageToken = EncodePageToken(from) };
            }
        }
    }

    private static ByteString EncodePageToken(int index) => ByteString.CopyFromUtf8(index.ToString(CultureInfo.InvariantCulture));

    private static int DecodePageToken(ByteString token) =>
        token.IsEmpty ? 0 : int.TryParse(Encoding.UTF8.GetString(token.Span), CultureInfo.InvariantCulture, out var i) && i >= 0
            ? i
            : throw ServerErrors.InvalidArgument("Invalid NextPageToken.");

    public DescribeWorkflowExecutionResponse Describe(DescribeWorkflowExecutionRequest req)
    {
        lock (Gate)
        {
            var run = FindRun(req.Namespace, req.Execution?.WorkflowId ?? "", req.Execution?.RunId);
            var response = new DescribeWorkflowExecutionResponse
            {
                ExecutionConfig = new()
                {
                    TaskQueue = new() { Name = run.TaskQueue, Kind = TaskQueueKind.Normal },
                    WorkflowExecutionTimeout = ToDuration(run.ExecutionTimeout),
                    WorkflowRunTimeout = ToDuration(run.RunTimeout),
                    DefaultWorkflowTaskTimeout = Duration.FromTimeSpan(run.WorkflowTaskTimeout),
                },
                WorkflowExecutionInfo = ToExecutionInfo(run),
            };

            foreach (var activity in run.Activities.Values)
            {
                response.PendingActivities.Add(new PendingActivityInfo
                {
                    ActivityId = activity.ActivityId,
                    ActivityType = activity.Command.ActivityType,
                    State = activity.Phase switch
                    {
                        ActivityPhase.Started when activity.CancelRequested => PendingActivityState.CancelRequested,
                        ActivityPhase.Started => PendingActivityState.Started,
                        _ => PendingActivityState.Scheduled,
                    },
                    HeartbeatDetails = activity.HeartbeatDetails,
                    LastHeartbeatTime = activity.LastHeartbeatTime is { } hb ? Timestamp.FromDateTime(hb) : null,
                    LastStartedTime = activity.StartedTime is { } st ? Timestamp.FromDateTime(st) : null,
                    Attempt = activity.Attempt,
                    MaximumAttempts = activity.RetryPolicy.MaximumAttempts,
                    ScheduledTime = Timestamp.FromDateTime(activity.CurrentAttemptScheduledTime),
                    ExpirationTime = Deadline(activity) is { } exp ? Timestamp.FromDateTime(exp) : null,
                    LastFailure = activity.LastFailure,
                    LastWorkerIdentity = activity.StartedIdentity,
                });
            }

            foreach (var child in run.Children.Values)
            {
                response.PendingChildren.Add(new PendingChildExecutionInfo
                {
                    WorkflowId = child.WorkflowId,
                    RunId = child.RunId ?? "",
                    WorkflowTypeName = child.WorkflowType,
                    InitiatedId = child.InitiatedEventId,
                    ParentClosePolicy = child.ParentClosePolicy,
                });
            }

            if (run.IsOpen && run.TaskState != WorkflowTaskState.None)
            {
                response.PendingWorkflowTask = new PendingWorkflowTaskInfo
                {
                    State = run.TaskState == WorkflowTaskState.Started ? PendingWorkflowTaskState.Started : PendingWorkflowTaskState.Scheduled,
                    ScheduledTime = Timestamp.FromDateTime(run.TaskScheduledTime),
                    StartedTime = run.TaskState == WorkflowTaskState.Started ? Timestamp.FromDateTime(run.TaskStartedTime) : null,
                    Attempt = run.TaskAttempt,
                };
            }

            return response;
        }
    }

    private WorkflowExecutionInfo ToExecutionInfo(WorkflowRun run)
    {
        var info = new WorkflowExecutionInfo
        {
            Execution = run.Execution,
            Type = new() { Name = run.WorkflowType },
            StartTime = Timestamp.FromDateTime(run.StartTime),
            CloseTime = run.CloseTime is { } ct ? Timestamp.FromDateTime(ct) : null,
            Status = run.Status,
            HistoryLength = run.HistoryLength,
            ExecutionTime = Timestamp.FromDateTime(run.ExecutionTime),
            Memo = new() { Fields = { run.Memo } },
            SearchAttributes = new() { IndexedFields = { run.SearchAttributes } },
            TaskQueue = run.TaskQueue,
            StateTransitionCount = run.HistoryLength,
            FirstRunId = run.FirstRunId,
        };
        if (run.Parent is { } parent)
        {
            info.ParentNamespaceId = _namespaces[parent.Namespace].Id;
            info.ParentExecution = parent.Execution;
        }

        if (run.CloseTime is { } closed)
        {
            info.ExecutionDuration = Duration.FromTimeSpan(closed - run.ExecutionTime);
        }

        return info;
    }
}
