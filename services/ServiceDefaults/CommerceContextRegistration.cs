namespace Commerce.ServiceDefaults;

/// <summary>
/// What the host knows about one context it runs: names, its own schema, role and connection string, and the
/// type-erased operations the shared machinery (migrator, inbox endpoint, dispatcher, seeding) performs on it.
/// One singleton per context, resolved as <c>IEnumerable&lt;CommerceContextRegistration&gt;</c>.
/// </summary>
public sealed class CommerceContextRegistration
{
    internal CommerceContextRegistration(string name, string schema, string connectionString, Type dbContextType)
    {
        Name = name;
        Schema = schema;
        ConnectionString = connectionString;
        DbContextType = dbContextType;
        var role = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Username;
        Role = string.IsNullOrWhiteSpace(role)
            ? throw new InvalidOperationException($"The {name} connection string names no user (role).")
            : role;
    }

    /// <summary>PascalCase context name, e.g. "Inventory"; also the key of ConnectionStrings:{Name} and Services:{Name}.</summary>
    public string Name { get; }

    /// <summary>Lowercase name used in paths, e.g. "inventory" (/events/inventory, /ops/inventory/...).</summary>
    public string Slug => Name.ToLowerInvariant();

    public string Schema { get; }

    /// <summary>The login role the context connects as; owner of <see cref="Schema"/>, and of nothing else.</summary>
    public string Role { get; }

    /// <summary>The context's connection string as its DbContext uses it, pool defaults included (so ClearPool finds its pool).</summary>
    public string ConnectionString { get; }

    public Type DbContextType { get; }

    /// <summary>Events this context handles, by publisher and type (its subscriptions when co-hosted).</summary>
    public IReadOnlyCollection<EventSubscription> Handles => [.. Handlers.Values.Select(h => h.Subscription)];

    internal Dictionary<string, IEventHandlerRegistration> Handlers { get; } = new(StringComparer.Ordinal);

    internal List<Func<IServiceProvider, CancellationToken, Task>> Seeders { get; } = [];

    internal List<Retention.RetainedRecords> RetainedRecords { get; } = [];

    /// <summary>
    /// How long each cache of this context keeps its copies, by entity type: removed by the retention sweeper once
    /// expendable and unchanged for an age, or kept, and why (<see cref="CommerceContextBuilder{TDbContext}.ExpireCachedCopies{TCopy}"/>).
    /// </summary>
    public IReadOnlyDictionary<Type, string> CachedCopyLifetimes => CacheLifetimes;

    internal Dictionary<Type, string> CacheLifetimes { get; } = [];

    /// <summary>The caches this context keeps of other contexts' data, each with its rebuild from the owner's API.</summary>
    internal List<(string Cache, Func<IServiceProvider, CancellationToken, Task<(int OwnerCopies, int Refreshed)>> Rebuild)> CacheRebuilds { get; } = [];

    /// <summary>What this context holds about a customer, by kind of record (<see cref="CommerceContextBuilder{TDbContext}.HoldsPersonalData"/>).</summary>
    internal List<Privacy.PersonalDataDeclaration> PersonalData { get; } = [];

    /// <summary>The keys this context knows customers by, when it is where others' keys come from (Customer, Order).</summary>
    internal List<Func<IServiceProvider, Guid, CancellationToken, Task<DataSubjects.Contracts.DataSubjectKeys>>> SubjectKeys { get; } = [];

    internal OutboxSignal Signal { get; } = new();

    internal Func<IServiceProvider, DbContext> ResolveDbContext { get; set; } =
        _ => throw new InvalidOperationException("No DbContext registered.");
}

/// <summary>A subscriber's interest in one publisher's event type.</summary>
public sealed record EventSubscription(string Publisher, string EventType);
