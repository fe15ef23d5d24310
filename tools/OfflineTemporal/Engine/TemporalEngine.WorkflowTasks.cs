using Commerce.OfflineTemporal.Grpc;
using Google.Protobuf.WellKnownTypes;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Failure.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.Protocol.V1;
using Temporalio.Api.TaskQueue.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Commerce.OfflineTemporal.Engine;

internal sealed partial class TemporalEngine
{
    /// <summary>Schedules a workflow task unless one is already scheduled or running. Under the lock.</summary>
    private void ScheduleWorkflowTask(WorkflowRun run)
    {
        if (!run.IsOpen || run.TaskState != WorkflowTaskState.None)
        {
            return;
        }

        var sticky = run.StickyQueue;
        var evt = Append(run, new HistoryEvent
        {
            EventType = EventType.WorkflowTaskScheduled,
            WorkflowTaskScheduledEventAttributes = new()
            {
                TaskQueue = sticky is null
                    ? new TaskQueue { Name = run.TaskQueue, Kind = TaskQueueKind.Normal }
                    : new TaskQueue { Name = sticky, Kind = TaskQueueKind.Sticky, NormalName = run.TaskQueue },
                StartToCloseTimeout = Duration.FromTimeSpan(run.WorkflowTaskTimeout),
                Attempt = run.TaskAttempt,
            },
        });
        run.TaskState = WorkflowTaskState.Scheduled;
        run.TaskScheduledEventId = evt.EventId;
        run.TaskScheduledTime = Now;
        run.TaskOnSticky = sticky is not null;
        MarkBusy(run.BusyKey);
        EnqueueWorkflowTask(run);
    }

    private void EnqueueWorkflowTask(WorkflowRun run)
    {
        var scheduledId = run.TaskScheduledEventId;
        if (run.TaskOnSticky)
        {
            // A worker that died without ShutdownWorker leaves its sticky queue unpolled: after the
            // sticky schedule-to-start timeout the task moves to the normal queue with full history.
            run.TaskTimer = Timers.Schedule(Now + run.StickyScheduleToStartTimeout, () => StickyTaskTimedOut(run, scheduledId));
        }

        Queues.Enqueue(run.Namespace, run.TaskOnSticky ? run.StickyQueue! : run.TaskQueue, TaskKind.Workflow, new WorkflowTaskRef(this, run, scheduledId, run.TaskOnSticky));
    }

    private sealed class WorkflowTaskRef(TemporalEngine engine, WorkflowRun run, long scheduledId, bool sticky) : IQueuedTask
    {
        public object? TryStart(string identity) => engine.StartWorkflowTask(run, scheduledId, sticky, identity);
    }

    private PollWorkflowTaskQueueResponse? StartWorkflowTask(WorkflowRun run, long scheduledId, bool sticky, string identity)
    {
        if (!run.IsOpen || run.TaskState != WorkflowTaskState.Scheduled || run.TaskScheduledEventId != scheduledId || run.TaskOnSticky != sticky)
        {
            return null;
        }

        run.TaskTimer?.Cancel();
        var started = Append(run, new HistoryEvent
        {
            EventType = EventType.WorkflowTaskStarted,
            WorkflowTaskStartedEventAttributes = new()
            {
                ScheduledEventId = scheduledId,
                Identity = identity,
                RequestId = Guid.NewGuid().ToString(),
            },
        });
        run.TaskState = WorkflowTaskState.Started;
        run.TaskStartedEventId = started.EventId;
        run.TaskStartedTime = Now;
        var attempt = run.TaskAttempt;
        run.TaskTimer = Timers.Schedule(Now + run.WorkflowTaskTimeout, () => WorkflowTaskTimedOut(run, scheduledId));

        var response = new PollWorkflowTaskQueueResponse
        {
            TaskToken = new TaskToken(TokenKind.WorkflowTask, run.RunId, scheduledId, attempt).Encode(),
            WorkflowExecution = run.Execution,
            WorkflowType = new() { Name = run.WorkflowType },
            PreviousStartedEventId = run.LastCompletedStartedEventId,
            StartedEventId = started.EventId,
            Attempt = attempt,
            History = new History(),
            WorkflowExecutionTaskQueue = new TaskQueue { Name = run.TaskQueue, Kind = TaskQueueKind.Normal },
            ScheduledTime = Timestamp.FromDateTime(run.TaskScheduledTime),
            StartedTime = Timestamp.FromDateTime(run.TaskStartedTime),
        };

        // A sticky worker has the run cached: it gets only what happened since its last task.
        var skip = sticky ? (int)run.LastCompletedStartedEventId : 0;
        response.History.Events.AddRange(run.History.Skip(skip));

        foreach (var update in run.Updates.Values.Where(u => u.Stage == UpdateStage.Requested && u.DeliveredInTask == 0))
        {
            update.DeliveredInTask = scheduledId;
            response.Messages.Add(new Message
            {
                Id = update.UpdateId + "/request",
                ProtocolInstanceId = update.UpdateId,
                EventId = started.EventId - 1,
                Body = Any.Pack(update.Request),
            });
        }

        return response;
    }

    private WorkflowRun ResolveWorkflowTask(Google.Protobuf.ByteString tokenBytes)
    {
        var token = TaskToken.Decode(tokenBytes);
        if (token.Kind != TokenKind.WorkflowTask)
        {
            throw ServerErrors.InvalidArgument("Not a workflow task token.");
        }

        if (!_runs.TryGetValue(token.RunId, out var run) || !run.IsOpen)
        {
            throw AlreadyCompleted();
        }

        if (run.TaskState != WorkflowTaskState.Started || run.TaskScheduledEventId != token.ScheduledEventId)
        {
            throw ServerErrors.NotFound("Workflow task not found.");
        }

        return run;
    }

    public RespondWorkflowTaskCompletedResponse CompleteWorkflowTask(RespondWorkflowTaskCompletedRequest req)
    {
        lock (Gate)
        {
            var run = ResolveWorkflowTask(req.TaskToken);
            var unsupported = req.Commands.FirstOrDefault(c => !IsSupported(c.CommandType));
            if (unsupported is not null)
            {
                FailWorkflowTask(run, WorkflowTaskFailedCause.Unspecified, new Failure { Message = $"{unsupported.CommandType} is not supported by the offline Temporal server." }, req.Identity);
                throw ServerErrors.InvalidArgument($"{unsupported.CommandType} is not supported by the offline Temporal server.");
            }

            var badAttributes = FindInvalidSearchAttributes(run, req.Commands);
            if (badAttributes is not null)
            {
                FailWorkflowTask(run, WorkflowTaskFailedCause.BadSearchAttributes, new Failure { Message = badAttributes }, req.Identity);
                return new RespondWorkflowTaskCompletedResponse();
            }

            // Closing the workflow while new events wait would lose them: the real server rejects
            // the completion with UnhandledCommand so the SDK runs again with those events.
            if (run.Buffered.Count > 0 && req.Commands.Any(c => IsClosing(c.CommandType)))
            {
                FailWorkflowTask(run, WorkflowTaskFailedCause.UnhandledCommand, new Failure { Message = "UnhandledCommand" }, req.Identity);
                return new RespondWorkflowTaskCompletedResponse();
            }

            run.TaskTimer?.Cancel();
            var completed = Append(run, new HistoryEvent
            {
                EventType = EventType.WorkflowTaskCompleted,
                WorkflowTaskCompletedEventAttributes = new()
                {
                    ScheduledEventId = run.TaskScheduledEventId,
                    StartedEventId = run.TaskStartedEventId,
                    Identity = req.Identity,
                    SdkMetadata = req.SdkMetadata,
                    MeteringMetadata = req.MeteringMetadata,
                },
            });
            run.LastCompletedStartedEventId = run.TaskStartedEventId;
            run.TaskState = WorkflowTaskState.None;
            run.TaskAttempt = 1;
            MarkIdle(run.BusyKey);

            if (req.StickyAttributes?.WorkerTaskQueue?.Name is { Length: > 0 } stickyName)
            {
                run.StickyQueue = stickyName;
                var timeout = req.StickyAttributes.ScheduleToStartTimeout?.ToTimeSpan() ?? TimeSpan.Zero;
                run.StickyScheduleToStartTimeout = timeout > TimeSpan.Zero ? timeout : TimeSpan.FromSeconds(10);
            }
            else
            {
                run.StickyQueue = null;
            }

            var ctx = new CompletionContext(run, completed.EventId, req.Identity);
            var messages = req.Messages.ToDictionary(m => m.Id, StringComparer.Ordinal);
            foreach (var command in req.Commands)
            {
                if (!run.IsOpen)
                {
                    break;
                }

                if (command.CommandType == CommandType.ProtocolMessage)
                {
                    if (messages.Remove(command.ProtocolMessageCommandAttributes.MessageId, out var message))
                    {
                        HandleProtocolMessage(ctx, message);
                    }

                    continue;
                }

                ApplyCommand(ctx, command);
            }

            // Messages no command refers to (e.g. update rejections) are processed after the commands.
            foreach (var message in req.Messages.Where(m => messages.ContainsKey(m.Id)))
            {
                if (run.IsOpen)
                {
                    HandleProtocolMessage(ctx, message);
                }
            }

            if (run.IsOpen)
            {
                var flushed = FlushBuffered(run);
                var undeliveredUpdate = run.Updates.Values.Any(u => u.Stage == UpdateStage.Requested && u.DeliveredInTask == 0);
                if (flushed > 0 || ctx.NeedsNewTask || req.ForceCreateNewWorkflowTask || undeliveredUpdate)
                {
                    ScheduleWorkflowTask(run);
                }
            }

            foreach (var action in ctx.AfterCommit)
            {
                action();
            }

            var response = new RespondWorkflowTaskCompletedResponse();
            foreach (var activity in ctx.Eager)
            {
                if (StartActivityTask(run, activity, activity.Attempt, req.Identity) is { } task)
                {
                    response.ActivityTasks.Add(task);
                }
            }

            DispatchQueries(run);
            return response;
        }
    }

    public void FailWorkflowTask(RespondWorkflowTaskFailedRequest req)
    {
        lock (Gate)
        {
            var run = ResolveWorkflowTask(req.TaskToken);
            FailWorkflowTask(run, req.Cause, req.Failure, req.Identity);
        }
    }

    private void FailWorkflowTask(WorkflowRun run, WorkflowTaskFailedCause cause, Failure? failure, string identity)
    {
        run.TaskTimer?.Cancel();
        Append(run, new HistoryEvent
        {
            EventType = EventType.WorkflowTaskFailed,
            WorkflowTaskFailedEventAttributes = new()
            {
                ScheduledEventId = run.TaskScheduledEventId,
                StartedEventId = run.TaskStartedEventId,
                Cause = cause,
                Failure = failure,
                Identity = identity,
            },
        });
        RetryWorkflowTask(run, countsAsAttempt: cause != WorkflowTaskFailedCause.UnhandledCommand);
    }

    private void WorkflowTaskTimedOut(WorkflowRun run, long scheduledId)
    {
        if (!run.IsOpen || run.TaskState != WorkflowTaskState.Started || run.TaskScheduledEventId != scheduledId)
        {
            return;
        }

        Append(run, new HistoryEvent
        {
            EventType = EventType.WorkflowTaskTimedOut,
            WorkflowTaskTimedOutEventAttributes = new()
            {
                ScheduledEventId = scheduledId,
                StartedEventId = run.TaskStartedEventId,
                TimeoutType = TimeoutType.StartToClose,
            },
        });
        RetryWorkflowTask(run, countsAsAttempt: true);
    }

    /// <summary>After a failed or timed-out task the worker no longer has the run cached: drop stickiness and retry.</summary>
    private void RetryWorkflowTask(WorkflowRun run, bool countsAsAttempt)
    {
        var failedTask = run.TaskScheduledEventId;
        run.TaskState = WorkflowTaskState.None;
        run.StickyQueue = null;
        if (countsAsAttempt)
        {
            run.TaskAttempt++;
        }

        MarkIdle(run.BusyKey);
        foreach (var update in run.Updates.Values.Where(u => u.DeliveredInTask == failedTask && u.Stage == UpdateStage.Requested))
        {
            update.DeliveredInTask = 0;
        }

        FlushBuffered(run);

        // Immediate retries first, then a capped backoff so a workflow that always fails does not spin.
        if (run.TaskAttempt <= 2)
        {
            ScheduleWorkflowTask(run);
        }
        else
        {
            var delay = TimeSpan.FromSeconds(Math.Min(10, Math.Pow(2, run.TaskAttempt - 3)));
            run.TaskTimer = Timers.Schedule(Now + delay, () => ScheduleWorkflowTask(run));
        }
    }

    private void StickyTaskTimedOut(WorkflowRun run, long scheduledId)
    {
        if (!run.IsOpen || run.TaskState != WorkflowTaskState.Scheduled || run.TaskScheduledEventId != scheduledId || !run.TaskOnSticky)
        {
            return;
        }

        Append(run, new HistoryEvent
        {
            EventType = EventType.WorkflowTaskTimedOut,
            WorkflowTaskTimedOutEventAttributes = new()
            {
                ScheduledEventId = scheduledId,
                TimeoutType = TimeoutType.ScheduleToStart,
            },
        });
        run.TaskState = WorkflowTaskState.None;
        run.StickyQueue = null;
        MarkIdle(run.BusyKey);
        ScheduleWorkflowTask(run);
    }

    /// <summary>
    /// A worker that stops cleanly names its sticky queue: every run pinned to it goes back to the
    /// normal queue at once (otherwise its next task would wait on a queue nobody polls).
    /// </summary>
    public void ShutdownWorker(ShutdownWorkerRequest req)
    {
        lock (Gate)
        {
            if (!string.IsNullOrEmpty(req.StickyTaskQueue))
            {
                Queues.Remove(req.Namespace, req.StickyTaskQueue, TaskKind.Workflow);
                foreach (var run in _runs.Values.Where(r => r.IsOpen && r.StickyQueue == req.StickyTaskQueue))
                {
                    run.StickyQueue = null;
                    if (run.TaskState == WorkflowTaskState.Scheduled && run.TaskOnSticky)
                    {
                        run.TaskTimer?.Cancel();
                        run.TaskOnSticky = false;
                        EnqueueWorkflowTask(run);
                    }
                }
            }

            if (!string.IsNullOrEmpty(req.Identity))
            {
                Queues.ReleasePollers(req.Identity);
            }
        }
    }

    public async Task<PollWorkflowTaskQueueResponse> PollWorkflowTaskAsync(PollWorkflowTaskQueueRequest req, CancellationToken cancellation)
    {
        lock (Gate)
        {
            GetNamespace(req.Namespace);
        }

        if (string.IsNullOrEmpty(req.TaskQueue?.Name))
        {
            throw ServerErrors.InvalidArgument("TaskQueue is not set on request.");
        }

        var task = await Queues.PollAsync(req.Namespace, req.TaskQueue.Name, TaskKind.Workflow, req.Identity, LongPollTimeout, cancellation);
        return task as PollWorkflowTaskQueueResponse ?? new PollWorkflowTaskQueueResponse();
    }

    private static bool IsClosing(CommandType type) => type is CommandType.CompleteWorkflowExecution
        or CommandType.FailWorkflowExecution or CommandType.CancelWorkflowExecution or CommandType.ContinueAsNewWorkflowExecution;

    private static bool IsSupported(CommandType type) => type is not (CommandType.ScheduleNexusOperation
        or CommandType.RequestCancelNexusOperation or CommandType.Unspecified);
}
