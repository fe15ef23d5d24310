using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Query;

namespace Commerce.ServiceDefaults.Messaging;

/// <summary>
/// A subscriber's copy of (part of) one aggregate another context owns, tagged with the owner's version it reflects.
/// Written only through <see cref="CachedCopies.ApplyAsync{TCopy}"/>, so it ends at the owner's latest state whatever
/// order, duplication or interleaving its events, the owner's API answers and rebuilds arrive in.
/// </summary>
public interface ICachedCopy
{
    /// <summary>The owner's aggregate version this copy reflects.</summary>
    int SourceVersion { get; set; }
}

public static class CachedCopies
{
    /// <summary>
    /// The shadow property (column <c>refreshed_at</c>) every cached copy carries: when the owner's state last changed it
    /// (its creation, or an event, fetch or rebuild applying a newer version), by the database's clock. A copy that is
    /// merely confirmed current is not written, so that duplicates and rebuilds stay reads.
    /// The retention sweeper removes copies a context declares expendable once this is old
    /// (<see cref="CommerceContextBuilder{TDbContext}.ExpireCachedCopies{TCopy}"/>).
    /// </summary>
    public const string RefreshedAt = nameof(RefreshedAt);

    /// <summary>
    /// How long a tombstone (a copy of an entity its owner deleted or ended) is kept by default: well past anything
    /// that could still ask about it (a cart lives 7 days unchanged; the inbox refuses events older than 31 days).
    /// </summary>
    public static readonly TimeSpan TombstoneLifetime = TimeSpan.FromDays(90);

    /// <summary>How long a copy its readers fetch again on a miss is kept unchanged by default.</summary>
    public static readonly TimeSpan RefetchableLifetime = TimeSpan.FromDays(180);

    /// <summary>
    /// Adds <see cref="RefreshedAt"/> to every <see cref="ICachedCopy"/> entity of the model. Call in OnModelCreating
    /// after the entities are configured, before <c>UseSnakeCaseNames</c>. Deliberately not indexed: it changes on every
    /// apply, and an index on it would make every such UPDATE a non-HOT one; the hourly sweep scans the table instead.
    /// </summary>
    public static ModelBuilder AddCacheRefreshTimes(this ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        foreach (var entity in modelBuilder.Model.GetEntityTypes().Where(e => e.ClrType.IsAssignableTo(typeof(ICachedCopy))).ToList())
        {
            modelBuilder.Entity(entity.ClrType).Property<DateTimeOffset>(RefreshedAt).HasDefaultValueSql("now()");
        }

        return modelBuilder;
    }

    /// <summary>
    /// Last writer by the owner's version wins: replaces the whole copy with the owner's state at
    /// <paramref name="version"/> when it is newer than what the copy holds (one guarded UPDATE, so a concurrent writer
    /// of a newer version is never overwritten), or adds the copy when there is none. The owner's state must be whole
    /// (every cached field), never a delta: that is what makes the order of arrival irrelevant.
    /// </summary>
    /// <param name="isCopy">Selects the one copy, by its key.</param>
    /// <param name="create">The new copy at <paramref name="version"/> when there is none (added, saved with the caller's SaveChanges;
    /// a concurrent insert of the same copy fails that save, and the delivery or rebuild is retried).</param>
    /// <param name="replace">Sets every cached field to the owner's state.</param>
    /// <returns>Whether the copy changed.</returns>
    public static async Task<bool> ApplyAsync<TCopy>(
        this DbContext db,
        Expression<Func<TCopy, bool>> isCopy,
        int version,
        Func<TCopy> create,
        Action<UpdateSettersBuilder<TCopy>> replace,
        CancellationToken cancellationToken)
        where TCopy : class, ICachedCopy
    {
        ArgumentNullException.ThrowIfNull(db);
        var copies = db.Set<TCopy>();
        var added = db.ChangeTracker.Entries<TCopy>().Where(e => e.State == EntityState.Added).Select(e => e.Entity)
            .AsQueryable().FirstOrDefault(isCopy);
        if (added is not null)
        {
            // Added earlier in this unit of work (a rebuild page listing it twice): the guarded UPDATE cannot see it.
            if (version <= added.SourceVersion)
            {
                return false;
            }

            db.Entry(added).State = EntityState.Detached;
        }
        else
        {
            // The property accessed on the entity type itself (not through the interface), as EF's SetProperty requires.
            var entity = Expression.Parameter(typeof(TCopy), "copy");
            var sourceVersion = Expression.Lambda<Func<TCopy, int>>(Expression.Property(entity, nameof(ICachedCopy.SourceVersion)), entity);
            var newer = new StrongBox<int>(version);
            var older = Expression.Lambda<Func<TCopy, bool>>(
                Expression.LessThan(sourceVersion.Body, Expression.Field(Expression.Constant(newer), nameof(newer.Value))), entity);
            var replaced = await copies.Where(isCopy).Where(older).ExecuteUpdateAsync(setters =>
            {
                replace(setters);
                setters.SetProperty(sourceVersion, version);
                setters.SetProperty(c => EF.Property<DateTimeOffset>(c, RefreshedAt), c => DateTimeOffset.UtcNow); // now()
            }, cancellationToken);
            if (replaced > 0)
            {
                return true;
            }

            if (await copies.AnyAsync(isCopy, cancellationToken))
            {
                return false; // the copy already holds this version or a newer one
            }
        }

        var copy = create();
        copy.SourceVersion = version;
        copies.Add(copy);
        return true;
    }
}
