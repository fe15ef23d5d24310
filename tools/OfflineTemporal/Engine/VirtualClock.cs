namespace Commerce.OfflineTemporal.Engine;

/// <summary>
/// The server's notion of "now". In time-skipping mode it is real time plus an offset that only
/// grows, so virtual time never goes backwards and still advances while a worker is busy.
/// </summary>
internal sealed class VirtualClock(bool timeSkipping)
{
    private TimeSpan _offset;
    private int _locks;

    public bool TimeSkipping { get; } = timeSkipping;

    public DateTime Now => DateTime.UtcNow + _offset;

    /// <summary>Skipping is allowed only in time-skipping mode and while nobody holds a lock.</summary>
    public bool CanSkip => TimeSkipping && _locks == 0;

    public void AdvanceTo(DateTime target)
    {
        var now = Now;
        if (target > now)
        {
            _offset += target - now;
        }
    }

    public void Lock() => _locks++;

    public void Unlock() => _locks = Math.Max(0, _locks - 1);
}
