namespace Commerce.ServiceDefaults.Retention;

/// <summary>
/// A context's own records that may go once they are older than <see cref="DefaultAge"/> (or the configured
/// age): <see cref="DeleteBatchAsync"/> deletes up to a batch of those older than the cut-off and says how many.
/// </summary>
internal sealed record RetainedRecords(
    string Name,
    TimeSpan DefaultAge,
    Func<DbContext, DateTimeOffset, int, CancellationToken, Task<int>> DeleteBatchAsync);
