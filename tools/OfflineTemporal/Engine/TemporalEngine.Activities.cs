using Commerce.OfflineTemporal.Grpc;
using Google.Protobuf.WellKnownTypes;
using Temporalio.Api.Command.V1;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Failure.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Commerce.OfflineTemporal.Engine;

internal sealed partial class TemporalEngine
{
    private void ScheduleActivity(CompletionContext ctx, ScheduleActivityTaskCommandAttributes attrs)
    {
        var run = ctx.Run;

        // Timeout defaults as the real server fills them: start-to-close and schedule-to-start
        // fall back to schedule-to-close, which itself may be unbounded.
        var scheduleToClose = RunSpec.Positive(attrs.ScheduleToCloseTimeout);
        var startToClose = RunSpec.Positive(attrs.StartToCloseTimeout) ?? scheduleToClose ?? run.RunTimeout ?? TimeSpan.FromDays(3650);
        var scheduleToStart = RunSpec.Positive(attrs.ScheduleToStartTimeout) ?? scheduleToClose;
        var heartbeat = RunSpec.Positive(attrs.HeartbeatTimeout);
        var retryPolicy = RetryPolicies.WithDefaults(attrs.RetryPolicy);
        var taskQueue = string.IsNullOrEmpty(attrs.TaskQueue?.Name) ? run.TaskQueue : attrs.TaskQueue.Name;

        var evt = Append(run, new HistoryEvent
        {
            EventType = EventType.ActivityTaskScheduled,
            ActivityTaskScheduledEventAttributes = new()
            {
                ActivityId = attrs.ActivityId,
                ActivityType = attrs.ActivityType,
                TaskQueue = new() { Name = taskQueue, Kind = TaskQueueKind.Normal },
                Header = attrs.Header,
                Input = attrs.Input,
                ScheduleToCloseTimeout = ToDuration(scheduleToClose),
                ScheduleToStartTimeout = ToDuration(scheduleToStart),
                StartToCloseTimeout = Duration.FromTimeSpan(startToClose),
                HeartbeatTimeout = ToDuration(heartbeat),
                WorkflowTaskCompletedEventId = ctx.CompletedEventId,
                RetryPolicy = retryPolicy,
                Priority = attrs.Priority,
            },
        });

        var activity = new ActivityState
        {
            ScheduledEventId = evt.EventId,
            Command = attrs,
            RetryPolicy = retryPolicy,
            ScheduledTime = Now,
            ScheduleToClose = scheduleToClose,
            ScheduleToStart = scheduleToStart,
            StartToClose = startToClose,
            Heartbeat = heartbeat,
            CurrentAttemptScheduledTime = Now,
        };
        run.Activities[evt.EventId] = activity;
        if (scheduleToClose is { } limit)
        {
            activity.ScheduleToCloseTimer = Timers.Schedule(Now + limit, () => ActivityTimedOut(run, activity, activity.Attempt, TimeoutType.ScheduleToClose));
        }

        // Eager execution (as the real server offers): the worker that completes the workflow task
        // reserved a slot and gets the activity in the response, saving a poll round trip.
        if (attrs.RequestEagerExecution && taskQueue == run.TaskQueue && ctx.Eager.Count < MaxEagerActivities)
        {
            activity.Phase = ActivityPhase.Scheduled;
            MarkBusy(activity.BusyKey(run.RunId));
            ctx.Eager.Add(activity);
            return;
        }

        DispatchActivity(run, activity, taskQueue);
    }

    private const int MaxEagerActivities = 3;

    private void DispatchActivity(WorkflowRun run, ActivityState activity, string taskQueue)
    {
        activity.Phase = ActivityPhase.Scheduled;
        activity.CurrentAttemptScheduledTime = Now;
        MarkBusy(activity.BusyKey(run.RunId));
        var attempt = activity.Attempt;
        if (activity.ScheduleToStart is { } s2s)
        {
            activity.AttemptTimers.Add(Timers.Schedule(Now + s2s, () => ActivityTimedOut(run, activity, attempt, TimeoutType.ScheduleToStart)));
        }

        Queues.Enqueue(run.Namespace, taskQueue, TaskKind.Activity, new ActivityTaskRef(this, run, activity, attempt));
    }

    private sealed class ActivityTaskRef(TemporalEngine engine, WorkflowRun run, ActivityState activity, int attempt) : IQueuedTask
    {
        public object? TryStart(string identity) => engine.StartActivityTask(run, activity, attempt, identity);
    }

    private PollActivityTaskQueueResponse? StartActivityTask(WorkflowRun run, ActivityState activity, int attempt, string identity)
    {
        if (!run.IsOpen || !IsCurrent(run, activity) || activity.Attempt != attempt || activity.Phase != ActivityPhase.Scheduled)
        {
            return null;
        }

        activity.CancelAttemptTimers();
        activity.Phase = ActivityPhase.Started;
        activity.StartedTime = Now;
        activity.StartedIdentity = identity;
        activity.StartedRequestId = Guid.NewGuid().ToString();
        activity.LastHeartbeatTime = null;
        activity.AttemptTimers.Add(Timers.Schedule(Now + activity.StartToClose, () => ActivityTimedOut(run, activity, attempt, TimeoutType.StartToClose)));
        ArmHeartbeatTimer(run, activity);

        var cmd = activity.Command;
        return new PollActivityTaskQueueResponse
        {
            TaskToken = new TaskToken(TokenKind.ActivityTask, run.RunId, activity.ScheduledEventId, attempt).Encode(),
            WorkflowNamespace = run.Namespace,
            WorkflowType = new() { Name = run.WorkflowType },
            WorkflowExecution = run.Execution,
            ActivityType = cmd.ActivityType,
            ActivityId = cmd.ActivityId,
            Header = cmd.Header,
            Input = cmd.Input,
            HeartbeatDetails = activity.HeartbeatDetails,
            ScheduledTime = Timestamp.FromDateTime(activity.ScheduledTime),
            CurrentAttemptScheduledTime = Timestamp.FromDateTime(activity.CurrentAttemptScheduledTime),
            StartedTime = Timestamp.FromDateTime(activity.StartedTime.Value),
            Attempt = attempt,
            ScheduleToCloseTimeout = ToDuration(activity.ScheduleToClose),
            StartToCloseTimeout = Duration.FromTimeSpan(activity.StartToClose),
            HeartbeatTimeout = ToDuration(activity.Heartbeat),
            RetryPolicy = activity.RetryPolicy,
            Priority = cmd.Priority,
        };
    }

    private static bool IsCurrent(WorkflowRun run, ActivityState activity) =>
        run.Activities.TryGetValue(activity.ScheduledEventId, out var current) && ReferenceEquals(current, activity);

    private void ArmHeartbeatTimer(WorkflowRun run, ActivityState activity)
    {
        activity.HeartbeatTimer?.Cancel();
        if (activity.Heartbeat is { } hb)
        {
            var attempt = activity.Attempt;
            activity.HeartbeatTimer = Timers.Schedule(Now + hb, () => ActivityTimedOut(run, activity, attempt, TimeoutType.Heartbeat));
        }
    }

    private void ActivityTimedOut(WorkflowRun run, ActivityState activity, int attempt, TimeoutType type)
    {
        if (!run.IsOpen || !IsCurrent(run, activity))
        {
            return;
        }

        if (type != TimeoutType.ScheduleToClose && activity.Attempt != attempt)
        {
            return;
        }

        if ((type is TimeoutType.StartToClose or TimeoutType.Heartbeat && activity.Phase != ActivityPhase.Started)
            || (type == TimeoutType.ScheduleToStart && activity.Phase != ActivityPhase.Scheduled))
        {
            return;
        }

        var failure = new Failure
        {
            Message = $"activity {type switch { TimeoutType.StartToClose => "StartToClose", TimeoutType.Heartbeat => "Heartbeat", TimeoutType.ScheduleToStart => "ScheduleToStart", _ => "ScheduleToClose" }} timeout",
            TimeoutFailureInfo = new() { TimeoutType = type, LastHeartbeatDetails = activity.HeartbeatDetails },
        };

        var retryState = RetryState.Timeout;
        if (type is TimeoutType.StartToClose or TimeoutType.Heartbeat)
        {
            var decision = RetryDecisionFor(activity, failure);
            if (decision.Retry)
            {
                ScheduleActivityRetry(run, activity, failure, decision.Delay);
                return;
            }

            retryState = decision.State;
        }
        else if (type == TimeoutType.ScheduleToStart)
        {
            retryState = RetryState.NonRetryableFailure;
        }

        if (activity.LastFailure is not null && type == TimeoutType.ScheduleToClose)
        {
            failure.Cause = activity.LastFailure;
        }

        FinishActivity(run, activity, startedId => new HistoryEvent
        {
            EventType = EventType.ActivityTaskTimedOut,
            ActivityTaskTimedOutEventAttributes = new()
            {
                Failure = failure,
                ScheduledEventId = activity.ScheduledEventId,
                StartedEventId = startedId,
                RetryState = retryState,
            },
        });
    }

    /// <summary>
    /// The retry policy's decision, except that an activity whose cancellation was requested is not tried again (as on
    /// the real server: its failure closes it with retry state CancelRequested, so a workflow waiting for the
    /// cancellation to complete is not held up by the rest of the retry budget).
    /// </summary>
    private RetryDecision RetryDecisionFor(ActivityState activity, Failure failure) =>
        activity.CancelRequested
            ? new RetryDecision(false, TimeSpan.Zero, RetryState.CancelRequested)
            : RetryPolicies.Evaluate(activity.RetryPolicy, activity.Attempt, failure, Now, Deadline(activity));

    private static DateTime? Deadline(ActivityState activity) =>
        activity.ScheduleToClose is { } s2c ? activity.ScheduledTime + s2c : null;

    private void ScheduleActivityRetry(WorkflowRun run, ActivityState activity, Failure failure, TimeSpan delay)
    {
        activity.CancelAttemptTimers();
        activity.LastFailure = failure;
        activity.Attempt++;
        activity.Phase = ActivityPhase.Backoff;
        activity.StartedTime = null;
        MarkIdle(activity.BusyKey(run.RunId));
        var attempt = activity.Attempt;
        var taskQueue = string.IsNullOrEmpty(activity.Command.TaskQueue?.Name) ? run.TaskQueue : activity.Command.TaskQueue.Name;
        activity.AttemptTimers.Add(Timers.Schedule(Now + delay, () =>
        {
            if (run.IsOpen && IsCurrent(run, activity) && activity.Attempt == attempt && activity.Phase == ActivityPhase.Backoff)
            {
                activity.AttemptTimers.Clear();
                DispatchActivity(run, activity, taskQueue);
            }
        }));
    }

    /// <summary>
    /// Ends the activity. ActivityTaskStarted is written only now, as the real server does, so
    /// retried attempts leave one started event (the last one's) in history.
    /// </summary>
    private void FinishActivity(WorkflowRun run, ActivityState activity, Func<long, HistoryEvent> closeEvent)
    {
        activity.CancelAttemptTimers();
        activity.ScheduleToCloseTimer?.Cancel();
        run.Activities.Remove(activity.ScheduledEventId);
        MarkIdle(activity.BusyKey(run.RunId));
        var wasStarted = activity.Phase == ActivityPhase.Started;
        AddExternal(run, () =>
        {
            long startedId = 0;
            if (wasStarted)
            {
                startedId = Append(run, new HistoryEvent
                {
                    EventType = EventType.ActivityTaskStarted,
                    ActivityTaskStartedEventAttributes = new()
                    {
                        ScheduledEventId = activity.ScheduledEventId,
                        Identity = activity.StartedIdentity,
                        RequestId = activity.StartedRequestId,
                        Attempt = activity.Attempt,
                        LastFailure = activity.LastFailure,
                    },
                }).EventId;
            }

            Append(run, closeEvent(startedId));
        });
    }

    private void RequestCancelActivity(CompletionContext ctx, long scheduledEventId)
    {
        var run = ctx.Run;
        // Recorded whatever the activity's state, as the real server does: the SDK emitted the command and expects
        // its event in this place on replay. An activity that already ended (its closing events may still wait in
        // the buffer behind this workflow task) takes no further action.
        var requested = Append(run, new HistoryEvent
        {
            EventType = EventType.ActivityTaskCancelRequested,
            ActivityTaskCancelRequestedEventAttributes = new()
            {
                ScheduledEventId = scheduledEventId,
                WorkflowTaskCompletedEventId = ctx.CompletedEventId,
            },
        });
        if (!run.Activities.TryGetValue(scheduledEventId, out var activity))
        {
            return;
        }

        if (activity.Phase == ActivityPhase.Started)
        {
            // A running activity learns of the request from its next heartbeat response.
            activity.CancelRequested = true;
            activity.CancelRequestedEventId = requested.EventId;
            return;
        }

        activity.CancelAttemptTimers();
        activity.ScheduleToCloseTimer?.Cancel();
        run.Activities.Remove(scheduledEventId);
        MarkIdle(activity.BusyKey(run.RunId));
        Append(run, new HistoryEvent
        {
            EventType = EventType.ActivityTaskCanceled,
            ActivityTaskCanceledEventAttributes = new()
            {
                ScheduledEventId = scheduledEventId,
                LatestCancelRequestedEventId = requested.EventId,
                Identity = ctx.Identity,
            },
        });
        ctx.NeedsNewTask = true;
    }

    // --- RPCs from the activity worker -----------------------------------------------------------

    public async Task<PollActivityTaskQueueResponse> PollActivityTaskAsync(PollActivityTaskQueueRequest req, CancellationToken cancellation)
    {
        lock (Gate)
        {
            GetNamespace(req.Namespace);
        }

        if (string.IsNullOrEmpty(req.TaskQueue?.Name))
        {
            throw ServerErrors.InvalidArgument("TaskQueue is not set on request.");
        }

        var task = await Queues.PollAsync(req.Namespace, req.TaskQueue.Name, TaskKind.Activity, req.Identity, LongPollTimeout, cancellation);
        return task as PollActivityTaskQueueResponse ?? new PollActivityTaskQueueResponse();
    }

    private (WorkflowRun Run, ActivityState Activity) ResolveActivity(Google.Protobuf.ByteString tokenBytes)
    {
        var token = TaskToken.Decode(tokenBytes);
        if (token.Kind != TokenKind.ActivityTask)
        {
            throw ServerErrors.InvalidArgument("Not an activity task token.");
        }

        if (!_runs.TryGetValue(token.RunId, out var run) || !run.IsOpen)
        {
            throw AlreadyCompleted();
        }

        if (!run.Activities.TryGetValue(token.ScheduledEventId, out var activity) || activity.Attempt != token.Attempt || activity.Phase != ActivityPhase.Started)
        {
            throw ServerErrors.NotFound("Activity task not found.");
        }

        return (run, activity);
    }

    private (WorkflowRun Run, ActivityState Activity) ResolveActivityById(string ns, string workflowId, string runId, string activityId)
    {
        var run = FindRun(ns, workflowId, runId);
        if (!run.IsOpen)
        {
            throw AlreadyCompleted();
        }

        var activity = run.Activities.Values.FirstOrDefault(a => a.ActivityId == activityId && a.Phase == ActivityPhase.Started)
            ?? throw ServerErrors.NotFound("Activity task not found.");
        return (run, activity);
    }

    public void CompleteActivity(Google.Protobuf.ByteString token, Payloads? result, string identity)
    {
        lock (Gate)
        {
            var (run, activity) = ResolveActivity(token);
            CompleteActivity(run, activity, result, identity);
        }
    }

    public void CompleteActivityById(RespondActivityTaskCompletedByIdRequest req)
    {
        lock (Gate)
        {
            var (run, activity) = ResolveActivityById(req.Namespace, req.WorkflowId, req.RunId, req.ActivityId);
            CompleteActivity(run, activity, req.Result, req.Identity);
        }
    }

    private void CompleteActivity(WorkflowRun run, ActivityState activity, Payloads? result, string identity) =>
        FinishActivity(run, activity, startedId => new HistoryEvent
        {
            EventType = EventType.ActivityTaskCompleted,
            ActivityTaskCompletedEventAttributes = new()
            {
                Result = result,
                ScheduledEventId = activity.ScheduledEventId,
                StartedEventId = startedId,
                Identity = identity,
            },
        });

    public void FailActivity(Google.Protobuf.ByteString token, Failure failure, Payloads? lastHeartbeatDetails, string identity)
    {
        lock (Gate)
        {
            var (run, activity) = ResolveActivity(token);
            FailActivity(run, activity, failure, lastHeartbeatDetails, identity);
        }
    }

    public void FailActivityById(RespondActivityTaskFailedByIdRequest req)
    {
        lock (Gate)
        {
            var (run, activity) = ResolveActivityById(req.Namespace, req.WorkflowId, req.RunId, req.ActivityId);
            FailActivity(run, activity, req.Failure, req.LastHeartbeatDetails, req.Identity);
        }
    }

    private void FailActivity(WorkflowRun run, ActivityState activity, Failure failure, Payloads? lastHeartbeatDetails, string identity)
    {
        if (lastHeartbeatDetails is { Payloads_.Count: > 0 })
        {
            activity.HeartbeatDetails = lastHeartbeatDetails;
        }

        var decision = RetryDecisionFor(activity, failure);
        if (decision.Retry)
        {
            ScheduleActivityRetry(run, activity, failure, decision.Delay);
            return;
        }

        FinishActivity(run, activity, startedId => new HistoryEvent
        {
            EventType = EventType.ActivityTaskFailed,
            ActivityTaskFailedEventAttributes = new()
            {
                Failure = failure,
                ScheduledEventId = activity.ScheduledEventId,
                StartedEventId = startedId,
                Identity = identity,
                RetryState = decision.State,
            },
        });
    }

    public void CancelActivity(Google.Protobuf.ByteString token, Payloads? details, string identity)
    {
        lock (Gate)
        {
            var (run, activity) = ResolveActivity(token);
            CancelActivity(run, activity, details, identity);
        }
    }

    public void CancelActivityById(RespondActivityTaskCanceledByIdRequest req)
    {
        lock (Gate)
        {
            var (run, activity) = ResolveActivityById(req.Namespace, req.WorkflowId, req.RunId, req.ActivityId);
            CancelActivity(run, activity, req.Details, req.Identity);
        }
    }

    private void CancelActivity(WorkflowRun run, ActivityState activity, Payloads? details, string identity) =>
        FinishActivity(run, activity, startedId => new HistoryEvent
        {
            EventType = EventType.ActivityTaskCanceled,
            ActivityTaskCanceledEventAttributes = new()
            {
                Details = details,
                LatestCancelRequestedEventId = activity.CancelRequestedEventId,
                ScheduledEventId = activity.ScheduledEventId,
                StartedEventId = startedId,
                Identity = identity,
            },
        });

    /// <returns>Whether cancellation was requested, which is how a running activity learns of it.</returns>
    public bool Heartbeat(Google.Protobuf.ByteString token, Payloads? details)
    {
        lock (Gate)
        {
            var (run, activity) = ResolveActivity(token);
            return Heartbeat(run, activity, details);
        }
    }

    public bool HeartbeatById(RecordActivityTaskHeartbeatByIdRequest req)
    {
        lock (Gate)
        {
            var (run, activity) = ResolveActivityById(req.Namespace, req.WorkflowId, req.RunId, req.ActivityId);
            return Heartbeat(run, activity, req.Details);
        }
    }

    private bool Heartbeat(WorkflowRun run, ActivityState activity, Payloads? details)
    {
        if (details is not null)
        {
            activity.HeartbeatDetails = details;
        }

        activity.LastHeartbeatTime = Now;
        ArmHeartbeatTimer(run, activity);
        return activity.CancelRequested;
    }
}
