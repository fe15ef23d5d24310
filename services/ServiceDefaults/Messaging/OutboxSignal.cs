using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Commerce.ServiceDefaults.Messaging;

/// <summary>Wakes a context's dispatcher when a commit may have written events, so delivery doesn't wait a poll.</summary>
internal sealed class OutboxSignal
{
    private readonly SemaphoreSlim semaphore = new(0, 1);

    public void Pulse()
    {
        try
        {
            semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; one wake-up covers every commit before it.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        semaphore.WaitAsync(timeout, cancellationToken);
}

/// <summary>
/// DbContexts that queued an event (<see cref="OutboxExtensions.AddEvent{TEvent}(DbContext, TEvent, string, int, DateTimeOffset)"/>)
/// not yet committed. Only their commits wake the dispatcher: a commit that wrote no event (an inbox handler that
/// changed state only, the dispatcher's own fan-out) has nothing to deliver, and used to cost the dispatcher an
/// empty fan-out and claim.
/// </summary>
internal static class PendingEvents
{
    private static readonly ConditionalWeakTable<DbContext, object> Contexts = new();
    private static readonly object Marker = new();

    public static void Mark(DbContext db) => Contexts.AddOrUpdate(db, Marker);

    public static bool Take(DbContext? db) => db is not null && Contexts.Remove(db);
}

internal sealed class OutboxSignalInterceptor(OutboxSignal signal) : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context?.Database.CurrentTransaction is null && PendingEvents.Take(eventData.Context))
        {
            signal.Pulse();
        }

        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context?.Database.CurrentTransaction is null && PendingEvents.Take(eventData.Context))
        {
            signal.Pulse();
        }

        return result;
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (PendingEvents.Take(eventData.Context))
        {
            signal.Pulse();
        }

        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (PendingEvents.Take(eventData.Context))
        {
            signal.Pulse();
        }
    }
}
