namespace Commerce.ServiceDefaults.Retention;

/// <summary>
/// How long each context keeps what it no longer needs, bound from <c>Commerce:Retention</c> (shared by every context
/// in the process). Undelivered and dead-lettered events are never purged: only rows whose work is done go.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>
    /// Slack for publisher and subscriber clocks that disagree: inbox ids are kept this much longer than
    /// <see cref="ProcessedEvents"/>, so the age check on arrival always refuses a redelivery whose id is gone.
    /// </summary>
    public static readonly TimeSpan ClockDisagreementAllowance = TimeSpan.FromDays(1);

    /// <summary>False stops the sweepers and the inbox's age check (nothing is purged, so nothing needs refusing).</summary>
    public bool Enabled { get; set; } = true;

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rows deleted per statement: keeps each delete's locks and WAL burst short.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>How long an event stays in its publisher's outbox once every subscriber has it.</summary>
    public TimeSpan DeliveredEvents { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long a subscriber remembers the ids of events it processed, and so the oldest event it accepts: an
    /// event that occurred longer ago than this is refused (outcome Expired), never applied a second time.
    /// </summary>
    public TimeSpan ProcessedEvents { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Ages of the records contexts declare with <c>RetainRecords</c>, by context and then record set, as
    /// <c>Commerce:Retention:Records:Notification:SentNotifications</c> names them (a configuration key cannot hold
    /// the ':' of a flat "{Context}:{Records}" key: it nests); a record set not named here keeps its declared default.
    /// </summary>
    public Dictionary<string, Dictionary<string, TimeSpan>> Records { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The configured age of <paramref name="context"/>'s <paramref name="records"/>, else <paramref name="declared"/>.</summary>
    public TimeSpan AgeOf(string context, string records, TimeSpan declared) =>
        Records.GetValueOrDefault(context)?.GetValueOrDefault(records, declared) ?? declared;

    /// <summary>The cut-off for inbox ids: older ones can no longer meet a redelivery that the age check lets in.</summary>
    public TimeSpan ProcessedEventIds => ProcessedEvents + ClockDisagreementAllowance;
}
