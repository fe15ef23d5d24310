using Commerce.ServiceDefaults.Messaging;

namespace Commerce.ServiceDefaults;

/// <summary>Returned by <see cref="CommerceContextExtensions.AddCommerceContext{TDbContext}"/> to declare event handlers and demo data.</summary>
public sealed class CommerceContextBuilder<TDbContext>
    where TDbContext : DbContext
{
    internal CommerceContextBuilder(IHostApplicationBuilder builder, CommerceContextRegistration registration)
    {
        Builder = builder;
        Registration = registration;
    }

    public IHostApplicationBuilder Builder { get; }

    public CommerceContextRegistration Registration { get; }

    /// <summary>
    /// Handles <typeparamref name="TEvent"/> (type name = event type) published by <paramref name="publisher"/>.
    /// The handler changes <typeparamref name="TDbContext"/> without saving: the inbox saves its changes together
    /// with the processed event id in one transaction, so a redelivered event has no second effect. Unless
    /// <paramref name="ignoreStaleVersions"/> is false, an event whose aggregate version is not newer than the last
    /// one applied for that aggregate (from that publisher) is recorded and skipped without calling the handler.
    /// Co-hosted publishers deliver to this context automatically; a remote publisher needs
    /// Commerce:Outbox:Subscriptions:{ThisContext}:{Publisher} in its configuration.
    /// </summary>
    public CommerceContextBuilder<TDbContext> HandleEvent<TEvent>(
        string publisher,
        Func<IncomingEvent<TEvent>, TDbContext, CancellationToken, Task> handler,
        bool ignoreStaleVersions = true)
    {
        var registration = new EventHandlerRegistration<TEvent, TDbContext>(
            new EventSubscription(publisher, typeof(TEvent).Name), handler, ignoreStaleVersions);
        Registration.Handlers[EventHandlerKey(publisher, typeof(TEvent).Name)] = registration;
        return this;
    }

    /// <summary>
    /// Declares records of this context that the retention sweeper deletes once old: <paramref name="expired"/>
    /// selects those older than the cut-off it is given, oldest first; the age is <paramref name="defaultAge"/>
    /// unless Commerce:Retention:Records:{Context}:{name} says otherwise.
    /// </summary>
    public CommerceContextBuilder<TDbContext> RetainRecords<TEntity>(
        string name, TimeSpan defaultAge, Func<TDbContext, DateTimeOffset, IOrderedQueryable<TEntity>> expired)
        where TEntity : class
    {
        Registration.RetainedRecords.Add(new Retention.RetainedRecords(name, defaultAge,
            (db, cutoff, batch, cancellationToken) => expired((TDbContext)db, cutoff).Take(batch).ExecuteDeleteAsync(cancellationToken)));
        return this;
    }

    /// <summary>
    /// Declares when copies in one of this context's caches may go: the retention sweeper deletes those matching
    /// <paramref name="expendable"/> that their owner has not changed for <paramref name="defaultAge"/> (by
    /// <see cref="CachedCopies.RefreshedAt"/>; Commerce:Retention:Records:{Context}:{name} overrides the age). Only declare
    /// copies whose absence the cache's readers already handle: a tombstone (the owner deleted or ended the entity, and a
    /// missing copy reads the same), or a copy read with a fetch from the owner on a miss. Events carry whole state and
    /// <see cref="CachedCopies.ApplyAsync{TCopy}"/> adds a missing copy, so a later event restores what was removed; an
    /// older one cannot, the inbox's version check refuses it.
    /// </summary>
    public CommerceContextBuilder<TDbContext> ExpireCachedCopies<TCopy>(
        string name, TimeSpan defaultAge, System.Linq.Expressions.Expression<Func<TCopy, bool>> expendable)
        where TCopy : class, ICachedCopy
    {
        Registration.CacheLifetimes.Add(typeof(TCopy),
            $"removed once unchanged for {defaultAge.TotalDays:0.#} days (`Commerce:Retention:Records:{Registration.Name}:{name}`)");
        return RetainRecords(name, defaultAge, (db, cutoff) => db.Set<TCopy>()
            .Where(c => EF.Property<DateTimeOffset>(c, CachedCopies.RefreshedAt) < cutoff)
            .Where(expendable)
            .OrderBy(c => EF.Property<DateTimeOffset>(c, CachedCopies.RefreshedAt)));
    }

    /// <summary>
    /// Declares that copies in one of this context's caches are never removed by age, and why (they are part of a record
    /// the context keeps, or nothing could fetch them again). Every cache declares its lifetime, one way or the other.
    /// </summary>
    public CommerceContextBuilder<TDbContext> KeepCachedCopies<TCopy>(string because)
        where TCopy : class
    {
        Registration.CacheLifetimes.Add(typeof(TCopy), $"kept: {because}");
        return this;
    }

    /// <summary>Idempotent demo data loaded by the host's <c>seed-demo</c> command (runs as the context's role).</summary>
    public CommerceContextBuilder<TDbContext> SeedDemoData(Func<TDbContext, IServiceProvider, CancellationToken, Task> seed)
    {
        Registration.Seeders.Add(async (services, cancellationToken) =>
        {
            await using var scope = services.CreateAsyncScope();
            await seed(scope.ServiceProvider.GetRequiredService<TDbContext>(), scope.ServiceProvider, cancellationToken);
        });
        return this;
    }

    /// <summary>
    /// Declares how <paramref name="cache"/> is rebuilt from its owner's API, for a subscriber that missed events
    /// (it joined after they were delivered, its database was restored, an event was dead-lettered): the rebuild
    /// pages through the owner's listing, applies each copy with <see cref="CachedCopies.ApplyAsync{TCopy}"/> (so a
    /// copy newer than the listing is kept) and saves as it goes; it returns how many copies the owner listed and
    /// how many it changed. <c>POST /ops/{context}/caches/rebuild</c> runs every declared rebuild (the CLI's
    /// <c>commerce caches rebuild {context}</c>); it is safe to run at any time, beside live event deliveries.
    /// </summary>
    public CommerceContextBuilder<TDbContext> RebuildCache(
        string cache, Func<TDbContext, IServiceProvider, CancellationToken, Task<(int OwnerCopies, int Refreshed)>> rebuild)
    {
        Registration.CacheRebuilds.Add((cache, RebuildInScopeAsync));
        return this;

        async Task<(int OwnerCopies, int Refreshed)> RebuildInScopeAsync(IServiceProvider services, CancellationToken cancellationToken)
        {
            await using var scope = services.CreateAsyncScope();
            return await rebuild(scope.ServiceProvider.GetRequiredService<TDbContext>(), scope.ServiceProvider, cancellationToken);
        }
    }

    /// <summary>
    /// Declares personal data of a customer this context holds, one kind of record at a time (its own records and its
    /// caches of other contexts' data alike): <paramref name="export"/> returns it as it would be shown to the customer
    /// (any JSON-serializable value; null when there is none), <paramref name="erase"/> deletes or anonymises it and
    /// returns how many records it changed; it may change tracked entities (saved after it returns) or write directly,
    /// and must be idempotent (a repeat changes nothing and returns 0). Both get the <see cref="Privacy.DataSubject"/>:
    /// the customer's id and the keys Customer and Order know them by (orders, personal strings). The routes
    /// <c>/ops/{context}/subjects/{customerId}/export|erasure</c> run every declaration of the context, and the erasure then
    /// deletes the context's outbox events whose payload names the customer (see <see cref="Privacy.PersonalDataEndpoints"/>).
    /// </summary>
    public CommerceContextBuilder<TDbContext> HoldsPersonalData(
        string name,
        Func<TDbContext, Privacy.DataSubject, CancellationToken, Task<object?>> export,
        Func<TDbContext, Privacy.DataSubject, CancellationToken, Task<int>> erase)
    {
        Registration.PersonalData.Add(new Privacy.PersonalDataDeclaration(
            name, (db, subject, ct) => export((TDbContext)db, subject, ct), (db, subject, ct) => erase((TDbContext)db, subject, ct)));
        return this;
    }

    /// <summary>
    /// Declares that this context knows what identifies a customer elsewhere (Customer their personal strings, Order
    /// their orders): served at <c>GET /ops/{context}/subjects/{customerId}/keys</c>, merged by the data-subject workflow
    /// and handed to every context's export and erasure.
    /// </summary>
    public CommerceContextBuilder<TDbContext> IdentifiesDataSubjects(
        Func<TDbContext, Guid, CancellationToken, Task<DataSubjects.Contracts.DataSubjectKeys>> keys)
    {
        Registration.SubjectKeys.Add(async (services, customerId, cancellationToken) =>
        {
            await using var scope = services.CreateAsyncScope();
            return await keys(scope.ServiceProvider.GetRequiredService<TDbContext>(), customerId, cancellationToken);
        });
        return this;
    }

    internal static string EventHandlerKey(string publisher, string eventType) => $"{publisher}/{eventType}";
}
