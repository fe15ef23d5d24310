using Commerce.OfflineTemporal.Grpc;
using Google.Protobuf.WellKnownTypes;
using Temporalio.Api.Command.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.Update.V1;

namespace Commerce.OfflineTemporal.Engine;

internal sealed partial class TemporalEngine
{
    private void ApplyCommand(CompletionContext ctx, Command command)
    {
        var run = ctx.Run;
        switch (command.CommandType)
        {
            case CommandType.ScheduleActivityTask:
                ScheduleActivity(ctx, command.ScheduleActivityTaskCommandAttributes);
                break;
            case CommandType.RequestCancelActivityTask:
                RequestCancelActivity(ctx, command.RequestCancelActivityTaskCommandAttributes.ScheduledEventId);
                break;
            case CommandType.StartTimer:
                StartTimer(ctx, command.StartTimerCommandAttributes);
                break;
            case CommandType.CancelTimer:
                CancelTimer(ctx, command.CancelTimerCommandAttributes.TimerId);
                break;
            case CommandType.RecordMarker:
                var marker = command.RecordMarkerCommandAttributes;
                Append(run, new HistoryEvent
                {
                    EventType = EventType.MarkerRecorded,
                    MarkerRecordedEventAttributes = new()
                    {
                        MarkerName = marker.MarkerName,
                        Details = { marker.Details },
                        WorkflowTaskCompletedEventId = ctx.CompletedEventId,
                        Header = marker.Header,
                        Failure = marker.Failure,
                    },
                });
                break;
            case CommandType.UpsertWorkflowSearchAttributes:
                var upsert = command.UpsertWorkflowSearchAttributesCommandAttributes;
                Append(run, new HistoryEvent
                {
                    EventType = EventType.UpsertWorkflowSearchAttributes,
                    UpsertWorkflowSearchAttributesEventAttributes = new()
                    {
                        WorkflowTaskCompletedEventId = ctx.CompletedEventId,
                        SearchAttributes = upsert.SearchAttributes,
                    },
                });
                MergeSearchAttributes(run, upsert.SearchAttributes);
                break;
            case CommandType.ModifyWorkflowProperties:
                var memo = command.ModifyWorkflowPropertiesCommandAttributes.UpsertedMemo;
                Append(run, new HistoryEvent
                {
                    EventType = EventType.WorkflowPropertiesModified,
                    WorkflowPropertiesModifiedEventAttributes = new() { WorkflowTaskCompletedEventId = ctx.CompletedEventId, UpsertedMemo = memo },
                });
                foreach (var (k, v) in memo?.Fields ?? [])
                {
                    run.Memo[k] = v;
                }

                break;
            case CommandType.CompleteWorkflowExecution:
                Close(
                    run,
                    Append(run, new HistoryEvent
                    {
                        EventType = EventType.WorkflowExecutionCompleted,
                        WorkflowExecutionCompletedEventAttributes = new()
                        {
                            Result = command.CompleteWorkflowExecutionCommandAttributes.Result,
                            WorkflowTaskCompletedEventId = ctx.CompletedEventId,
                        },
                    }),
                    WorkflowExecutionStatus.Completed);
                break;
            case CommandType.FailWorkflowExecution:
                Close(
                    run,
                    Append(run, new HistoryEvent
                    {
                        EventType = EventType.WorkflowExecutionFailed,
                        WorkflowExecutionFailedEventAttributes = new()
                        {
                            Failure = command.FailWorkflowExecutionCommandAttributes.Failure,
                            RetryState = RetryState.RetryPolicyNotSet,
                            WorkflowTaskCompletedEventId = ctx.CompletedEventId,
                        },
                    }),
                    WorkflowExecutionStatus.Failed);
                break;
            case CommandType.CancelWorkflowExecution:
                Close(
                    run,
                    Append(run, new HistoryEvent
                    {
                        EventType = EventType.WorkflowExecutionCanceled,
                        WorkflowExecutionCanceledEventAttributes = new()
                        {
                            Details = command.CancelWorkflowExecutionCommandAttributes.Details,
                            WorkflowTaskCompletedEventId = ctx.CompletedEventId,
                        },
                    }),
                    WorkflowExecutionStatus.Canceled);
                break;
            case CommandType.ContinueAsNewWorkflowExecution:
                ContinueAsNew(ctx, command.ContinueAsNewWorkflowExecutionCommandAttributes);
                break;
            case CommandType.StartChildWorkflowExecution:
                StartChild(ctx, command.StartChildWorkflowExecutionCommandAttributes);
                break;
            case CommandType.SignalExternalWorkflowExecution:
                SignalExternal(ctx, command.SignalExternalWorkflowExecutionCommandAttributes);
                break;
            case CommandType.RequestCancelExternalWorkflowExecution:
                CancelExternal(ctx, command.RequestCancelExternalWorkflowExecutionCommandAttributes);
                break;
            default:
                throw ServerErrors.InvalidArgument($"{command.CommandType} is not supported by the offline Temporal server.");
        }
    }

    private void StartTimer(CompletionContext ctx, StartTimerCommandAttributes attrs)
    {
        var run = ctx.Run;
        var started = Append(run, new HistoryEvent
        {
            EventType = EventType.TimerStarted,
            TimerStartedEventAttributes = new()
            {
                TimerId = attrs.TimerId,
                StartToFireTimeout = attrs.StartToFireTimeout,
                WorkflowTaskCompletedEventId = ctx.CompletedEventId,
            },
        });
        var timerId = attrs.TimerId;
        var startedId = started.EventId;
        var entry = Timers.Schedule(Now + attrs.StartToFireTimeout.ToTimeSpan(), () =>
        {
            if (!run.IsOpen || !run.Timers.TryGetValue(timerId, out var timer) || timer.StartedEventId != startedId)
            {
                return;
            }

            run.Timers.Remove(timerId);
            AddExternal(run, () => Append(run, new HistoryEvent
            {
                EventType = EventType.TimerFired,
                TimerFiredEventAttributes = new() { TimerId = timerId, StartedEventId = startedId },
            }));
        });
        run.Timers[timerId] = new UserTimer { TimerId = timerId, StartedEventId = startedId, Entry = entry };
    }

    private void CancelTimer(CompletionContext ctx, string timerId)
    {
        var run = ctx.Run;
        if (!run.Timers.Remove(timerId, out var timer))
        {
            return;
        }

        timer.Entry.Cancel();
        Append(run, new HistoryEvent
        {
            EventType = EventType.TimerCanceled,
            TimerCanceledEventAttributes = new()
            {
                TimerId = timerId,
                StartedEventId = timer.StartedEventId,
                WorkflowTaskCompletedEventId = ctx.CompletedEventId,
                Identity = ctx.Identity,
            },
        });
    }

    private void ContinueAsNew(CompletionContext ctx, ContinueAsNewWorkflowExecutionCommandAttributes attrs)
    {
        var run = ctx.Run;
        var newRunId = Guid.NewGuid().ToString();
        var taskQueue = string.IsNullOrEmpty(attrs.TaskQueue?.Name) ? run.TaskQueue : attrs.TaskQueue.Name;
        var type = string.IsNullOrEmpty(attrs.WorkflowType?.Name) ? run.WorkflowType : attrs.WorkflowType.Name;
        var evt = Append(run, new HistoryEvent
        {
            EventType = EventType.WorkflowExecutionContinuedAsNew,
            WorkflowExecutionContinuedAsNewEventAttributes = new()
            {
                NewExecutionRunId = newRunId,
                WorkflowType = new() { Name = type },
                TaskQueue = new() { Name = taskQueue, Kind = TaskQueueKind.Normal },
                Input = attrs.Input,
                WorkflowRunTimeout = attrs.WorkflowRunTimeout,
                WorkflowTaskTimeout = attrs.WorkflowTaskTimeout,
                WorkflowTaskCompletedEventId = ctx.CompletedEventId,
                BackoffStartInterval = attrs.BackoffStartInterval,
                Initiator = attrs.Initiator,
                LastCompletionResult = attrs.LastCompletionResult,
                Header = attrs.Header,
                Memo = attrs.Memo,
                SearchAttributes = attrs.SearchAttributes,
            },
        });
        run.NewRunId = newRunId;
        Close(run, evt, WorkflowExecutionStatus.ContinuedAsNew);

        var memo = attrs.Memo ?? new Temporalio.Api.Common.V1.Memo { Fields = { run.Memo } };
        var searchAttributes = attrs.SearchAttributes ?? new Temporalio.Api.Common.V1.SearchAttributes { IndexedFields = { run.SearchAttributes } };
        CreateRun(
            new RunSpec
            {
                Namespace = run.Namespace,
                WorkflowId = run.WorkflowId,
                WorkflowType = type,
                TaskQueue = taskQueue,
                Input = attrs.Input,
                Header = attrs.Header,
                RunTimeout = RunSpec.Positive(attrs.WorkflowRunTimeout) ?? run.RunTimeout,
                TaskTimeout = RunSpec.Positive(attrs.WorkflowTaskTimeout) ?? run.WorkflowTaskTimeout,
                Identity = ctx.Identity,
                Memo = memo,
                SearchAttributes = searchAttributes,
                RetryPolicy = attrs.RetryPolicy,
                StartDelay = RunSpec.Positive(attrs.BackoffStartInterval),
                ContinuedFrom = run,
                Initiator = attrs.Initiator,
                ContinuedFailure = attrs.Failure,
                LastCompletionResult = attrs.LastCompletionResult,
            },
            beforeFirstTask: null,
            runId: newRunId);
    }

    private void HandleProtocolMessage(CompletionContext ctx, Temporalio.Api.Protocol.V1.Message message)
    {
        var run = ctx.Run;
        if (!run.Updates.TryGetValue(message.ProtocolInstanceId, out var update) || message.Body is null)
        {
            return;
        }

        if (message.Body.Is(Acceptance.Descriptor))
        {
            var acceptance = message.Body.Unpack<Acceptance>();
            var evt = Append(run, new HistoryEvent
            {
                EventType = EventType.WorkflowExecutionUpdateAccepted,
                WorkflowExecutionUpdateAcceptedEventAttributes = new()
                {
                    ProtocolInstanceId = update.UpdateId,
                    AcceptedRequestMessageId = acceptance.AcceptedRequestMessageId,
                    AcceptedRequestSequencingEventId = acceptance.AcceptedRequestSequencingEventId,
                    AcceptedRequest = acceptance.AcceptedRequest ?? update.Request,
                },
            });
            update.AcceptedEventId = evt.EventId;
            update.Stage = UpdateStage.Accepted;
            update.Notify();
        }
        else if (message.Body.Is(Rejection.Descriptor))
        {
            // Rejections leave no trace in history, as on the real server.
            update.Stage = UpdateStage.Completed;
            update.Outcome = new Outcome { Failure = message.Body.Unpack<Rejection>().Failure };
            update.Notify();
        }
        else if (message.Body.Is(Response.Descriptor))
        {
            var response = message.Body.Unpack<Response>();
            Append(run, new HistoryEvent
            {
                EventType = EventType.WorkflowExecutionUpdateCompleted,
                WorkflowExecutionUpdateCompletedEventAttributes = new()
                {
                    Meta = response.Meta,
                    AcceptedEventId = update.AcceptedEventId,
                    Outcome = response.Outcome,
                },
            });
            update.Stage = UpdateStage.Completed;
            update.Outcome = response.Outcome;
            update.Notify();
        }
    }

    private static Duration? ToDuration(TimeSpan? value) => value is { } v ? Duration.FromTimeSpan(v) : null;
}
