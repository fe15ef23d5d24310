namespace Commerce.OfflineTemporal.Engine;

internal enum TaskKind
{
    Workflow,
    Activity,
}

/// <summary>
/// A task waiting in a queue. Starting it happens under the engine lock at the moment a poller
/// takes it, and may find that the task went stale meanwhile (timed out, moved, workflow closed).
/// </summary>
internal interface IQueuedTask
{
    /// <returns>The poll response, or null when the task no longer exists.</returns>
    object? TryStart(string identity);
}

/// <summary>
/// Matching: per (namespace, task queue, kind) a FIFO of tasks and a FIFO of waiting long polls.
/// All methods except <see cref="PollAsync"/> must be called under the engine lock.
/// </summary>
internal sealed class TaskQueues(Lock gate)
{
    private readonly Dictionary<(string Ns, string Name, TaskKind Kind), QueueState> _queues = [];

    public void Enqueue(string ns, string name, TaskKind kind, IQueuedTask task)
    {
        var queue = Get(ns, name, kind);
        while (queue.Pollers.First is { } node)
        {
            queue.Pollers.RemoveFirst();
            var poller = node.Value;
            if (poller.Cancellation.IsCancellationRequested || poller.Result.Task.IsCompleted)
            {
                continue;
            }

            var response = task.TryStart(poller.Identity);
            if (response is null)
            {
                // Stale before anyone saw it: keep the poller waiting for the next task.
                queue.Pollers.AddFirst(node);
                return;
            }

            poller.Result.TrySetResult(response);
            return;
        }

        queue.Tasks.AddLast(task);
    }

    /// <summary>Long poll: a task if one is (or becomes) available before the timeout, else null.</summary>
    public async Task<object?> PollAsync(string ns, string name, TaskKind kind, string identity, TimeSpan timeout, CancellationToken cancellation)
    {
        Poller poller;
        LinkedListNode<Poller> node;
        QueueState queue;
        lock (gate)
        {
            queue = Get(ns, name, kind);
            while (queue.Tasks.First is { } first)
            {
                queue.Tasks.RemoveFirst();
                var response = first.Value.TryStart(identity);
                if (response is not null)
                {
                    return response;
                }
            }

            poller = new Poller(identity, cancellation);
            node = queue.Pollers.AddLast(poller);
        }

        try
        {
            return await poller.Result.Task.WaitAsync(timeout, cancellation);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            lock (gate)
            {
                if (!poller.Result.Task.IsCompleted)
                {
                    if (node.List is not null)
                    {
                        queue.Pollers.Remove(node);
                    }

                    poller.Result.TrySetResult(null);
                }
            }

            // A task handed over in the same instant is returned rather than lost; if the caller
            // is gone, the task's own timeout re-dispatches it as it would on a real server.
            return poller.Result.Task.Result;
        }
    }

    /// <summary>Answers the outstanding polls of a worker that is shutting down with empty responses.</summary>
    public void ReleasePollers(string identity)
    {
        foreach (var queue in _queues.Values)
        {
            var node = queue.Pollers.First;
            while (node is not null)
            {
                var next = node.Next;
                if (node.Value.Identity == identity)
                {
                    queue.Pollers.Remove(node);
                    node.Value.Result.TrySetResult(null);
                }

                node = next;
            }
        }
    }

    /// <summary>Forgets a sticky queue; its tasks are re-dispatched by their owners.</summary>
    public void Remove(string ns, string name, TaskKind kind)
    {
        if (_queues.Remove((ns, name, kind), out var queue))
        {
            foreach (var poller in queue.Pollers)
            {
                poller.Result.TrySetResult(null);
            }
        }
    }

    public int Backlog(string ns, string name, TaskKind kind) =>
        _queues.TryGetValue((ns, name, kind), out var q) ? q.Tasks.Count : 0;

    public int PollerCount(string ns, string name, TaskKind kind) =>
        _queues.TryGetValue((ns, name, kind), out var q) ? q.Pollers.Count : 0;

    private QueueState Get(string ns, string name, TaskKind kind)
    {
        if (!_queues.TryGetValue((ns, name, kind), out var queue))
        {
            queue = new QueueState();
            _queues[(ns, name, kind)] = queue;
        }

        return queue;
    }

    private sealed class QueueState
    {
        public LinkedList<IQueuedTask> Tasks { get; } = new();

        public LinkedList<Poller> Pollers { get; } = new();
    }

    private sealed class Poller(string identity, CancellationToken cancellation)
    {
        public string Identity { get; } = identity;

        public CancellationToken Cancellation { get; } = cancellation;

        public TaskCompletionSource<object?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
