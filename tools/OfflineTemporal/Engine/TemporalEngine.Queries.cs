using Commerce.OfflineTemporal.Grpc;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.TaskQueue.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Commerce.OfflineTemporal.Engine;

internal sealed partial class TemporalEngine
{
    public async Task<QueryWorkflowResponse> QueryAsync(QueryWorkflowRequest req, CancellationToken cancellation)
    {
        QueryState query;
        lock (Gate)
        {
            var run = FindRun(req.Namespace, req.Execution?.WorkflowId ?? "", req.Execution?.RunId);
            if (string.IsNullOrEmpty(req.Query?.QueryType))
            {
                throw ServerErrors.InvalidArgument("QueryType is not set on request.");
            }

            var rejected = req.QueryRejectCondition switch
            {
                QueryRejectCondition.NotOpen => !run.IsOpen,
                QueryRejectCondition.NotCompletedCleanly => run.Status is not (WorkflowExecutionStatus.Running or WorkflowExecutionStatus.Completed),
                _ => false,
            };
            if (rejected)
            {
                return new QueryWorkflowResponse { QueryRejected = new() { Status = run.Status } };
            }

            query = new QueryState { QueryId = Guid.NewGuid().ToString(), Run = run, Query = req.Query };
            _queries[query.QueryId] = query;
            run.PendingQueries.Add(query);
            MarkBusy(query.BusyKey);
            DispatchQueries(run);
        }

        try
        {
            var answer = await query.Result.Task.WaitAsync(LongPollTimeout, cancellation);
            if (answer.CompletedType == QueryResultType.Answered)
            {
                return new QueryWorkflowResponse { QueryResult = answer.QueryResult };
            }

            throw ServerErrors.QueryFailed(answer.ErrorMessage, answer.Failure);
        }
        catch (TimeoutException)
        {
            throw ServerErrors.DeadlineExceeded("query timed out: no worker answered (is a worker polling the workflow's task queue?)");
        }
        finally
        {
            lock (Gate)
            {
                _queries.Remove(query.QueryId);
                query.Run.PendingQueries.Remove(query);
                MarkIdle(query.BusyKey);
            }
        }
    }

    /// <summary>
    /// Queries go out as "legacy" query tasks with the full history, but only while no workflow
    /// task is outstanding, so the worker answers from a state that includes every recorded event.
    /// </summary>
    private void DispatchQueries(WorkflowRun run)
    {
        if (run.IsOpen && run.TaskState != WorkflowTaskState.None)
        {
            return;
        }

        foreach (var query in run.PendingQueries.Where(q => !q.Dispatched))
        {
            query.Dispatched = true;
            Queues.Enqueue(run.Namespace, run.TaskQueue, TaskKind.Workflow, new QueryTaskRef(this, query));
        }
    }

    private sealed class QueryTaskRef(TemporalEngine engine, QueryState query) : IQueuedTask
    {
        public object? TryStart(string identity) => engine.StartQueryTask(query);
    }

    private PollWorkflowTaskQueueResponse? StartQueryTask(QueryState query)
    {
        if (!_queries.ContainsKey(query.QueryId) || query.Result.Task.IsCompleted)
        {
            return null;
        }

        var run = query.Run;
        var response = new PollWorkflowTaskQueueResponse
        {
            TaskToken = new TaskToken(TokenKind.QueryTask, run.RunId, 0, 0, query.QueryId).Encode(),
            WorkflowExecution = run.Execution,
            WorkflowType = new() { Name = run.WorkflowType },
            PreviousStartedEventId = run.LastCompletedStartedEventId,
            StartedEventId = run.LastCompletedStartedEventId,
            Attempt = 1,
            Query = query.Query,
            History = new(),
            WorkflowExecutionTaskQueue = new TaskQueue { Name = run.TaskQueue, Kind = TaskQueueKind.Normal },
        };
        response.History.Events.AddRange(run.History);
        return response;
    }

    public void RespondQuery(RespondQueryTaskCompletedRequest req)
    {
        lock (Gate)
        {
            var token = TaskToken.Decode(req.TaskToken);
            if (token.Kind != TokenKind.QueryTask || !_queries.TryGetValue(token.QueryId, out var query))
            {
                throw ServerErrors.NotFound("Query task not found.");
            }

            query.Result.TrySetResult(req);
        }
    }

}
