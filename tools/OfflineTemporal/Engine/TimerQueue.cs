namespace Commerce.OfflineTemporal.Engine;

/// <summary>A callback due at a virtual time; cancelling only flags it so the heap stays cheap.</summary>
internal sealed class TimerEntry(DateTime due, Action callback)
{
    public DateTime Due { get; } = due;

    public Action Callback { get; } = callback;

    public bool Cancelled { get; private set; }

    public void Cancel() => Cancelled = true;
}

/// <summary>
/// Every server-side deadline (user timers, activity and workflow-task timeouts, retry backoffs,
/// workflow timeouts) lives here, so time skipping has one place to find "the next thing that
/// happens". Callbacks run under the engine's lock on the queue's own loop.
/// </summary>
internal sealed class TimerQueue
{
    private readonly PriorityQueue<TimerEntry, (DateTime Due, long Seq)> _heap = new();
    private readonly Lock _gate;
    private readonly VirtualClock _clock;
    private readonly Func<bool> _isIdle;
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _seq;
    private Task? _loop;

    public TimerQueue(Lock gate, VirtualClock clock, Func<bool> isIdle)
    {
        _gate = gate;
        _clock = clock;
        _isIdle = isIdle;
    }

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Must be called under the engine lock.</summary>
    public TimerEntry Schedule(DateTime due, Action callback)
    {
        var entry = new TimerEntry(due, callback);
        var becameFirst = !_heap.TryPeek(out var head, out _) || due < head.Due;
        _heap.Enqueue(entry, (due, _seq++));
        if (becameFirst)
        {
            Wake();
        }

        return entry;
    }

    /// <summary>Re-evaluates deadlines and idleness; called when something that affects either changes.</summary>
    public void Wake() => _wake.TrySetResult();

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        Wake();
        if (_loop is not null)
        {
            await _loop;
        }
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TimeSpan wait;
            Task woken;
            lock (_gate)
            {
                _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                woken = _wake.Task;
                wait = FireDue();
            }

            if (wait == TimeSpan.Zero)
            {
                continue;
            }

            try
            {
                // Capped so a real-time deadline computed before the clock jumped is re-checked.
                var capped = wait == Timeout.InfiniteTimeSpan || wait > TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
                await woken.WaitAsync(capped, _stop.Token);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Fires what is due; returns how long to sleep, or zero to loop again at once.</summary>
    private TimeSpan FireDue()
    {
        var now = _clock.Now;
        var fired = false;
        while (_heap.TryPeek(out var head, out _) && (head.Cancelled || head.Due <= now))
        {
            _heap.Dequeue();
            if (head.Cancelled)
            {
                continue;
            }

            fired = true;
            try
            {
                head.Callback();
            }
#pragma warning disable CA1031 // One faulty callback must not stop every other deadline of the server.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Console.Error.WriteLine($"OfflineTemporal timer callback failed: {ex}");
            }
        }

        if (fired)
        {
            return TimeSpan.Zero;
        }

        if (!_heap.TryPeek(out var next, out _))
        {
            return Timeout.InfiniteTimeSpan;
        }

        if (_clock.CanSkip && _isIdle())
        {
            _clock.AdvanceTo(next.Due);
            return TimeSpan.Zero;
        }

        var wait = next.Due - now;
        return wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait;
    }
}
