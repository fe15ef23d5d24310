using System.Text.Json;

namespace Commerce.DataSubjects.Contracts;

/// <summary>
/// What identifies one customer's personal data beyond their id, so a context that never learns the customer's id
/// still finds it: the orders they placed (Shipping, Delivery and the simulated carrier know orders, not customers),
/// and the personal strings themselves (their name, e-mail, phone, address lines and postal codes), which outboxes
/// and dead letters carry inside event payloads.
/// </summary>
/// <param name="OrderIds">The customer's orders (Order's answer), at most <see cref="MaxOrders"/>.</param>
/// <param name="PersonalStrings">At most <see cref="MaxStrings"/>, each <see cref="MinStringLength"/> to
/// <see cref="MaxStringLength"/> characters (shorter ones, a country code, would match far more than the person).</param>
public sealed record DataSubjectKeys(
    [property: MaxLength(DataSubjectKeys.MaxOrders)] IReadOnlyList<Guid> OrderIds,
    [property: MaxLength(DataSubjectKeys.MaxStrings)] IReadOnlyList<string> PersonalStrings)
{
    public const int MaxOrders = 5_000;
    public const int MaxStrings = 200;
    public const int MinStringLength = 4;
    public const int MaxStringLength = 320;

    public static DataSubjectKeys None { get; } = new([], []);

    /// <summary>Both sets of keys, each key once (strings compared case-insensitively, as the scrub matches them).</summary>
    public DataSubjectKeys Merge(DataSubjectKeys other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new([.. OrderIds.Concat(other.OrderIds).Distinct()],
            [.. PersonalStrings.Concat(other.PersonalStrings).Distinct(StringComparer.OrdinalIgnoreCase)]);
    }
}

/// <summary>Everything one context holds about a customer, by kind of record (e.g. "orders", "customer-cache").</summary>
public sealed record PersonalDataExport(string Context, IReadOnlyDictionary<string, JsonElement> Data);

/// <summary>What one context erased or anonymised for a customer, by kind of record: a count of records each.</summary>
/// <param name="Erased">Includes "outbox-events": the context's events (delivered, pending or dead-lettered) whose
/// payload named the customer, deleted.</param>
public sealed record PersonalDataErasure(string Context, IReadOnlyDictionary<string, int> Erased);

/// <summary>
/// The data-subject routes every context serves under /ops/{context}/subjects (ServiceDefaults maps them from the
/// context's declarations), called by the data-subject workflow's own client only.
/// </summary>
public interface IDataSubjectsApi
{
    /// <summary>The keys this context knows the customer by (Customer: their strings; Order: their orders); usually none.</summary>
    [Get("/ops/{context}/subjects/{customerId}/keys")]
    Task<DataSubjectKeys> KeysAsync(string context, Guid customerId, CancellationToken cancellationToken = default);

    [Post("/ops/{context}/subjects/{customerId}/export")]
    Task<PersonalDataExport> ExportAsync(string context, Guid customerId, [Body] DataSubjectKeys keys, CancellationToken cancellationToken = default);

    /// <summary>Idempotent: a repeat erases nothing more and answers zeros.</summary>
    [Post("/ops/{context}/subjects/{customerId}/erasure")]
    Task<PersonalDataErasure> EraseAsync(string context, Guid customerId, [Body] DataSubjectKeys keys, CancellationToken cancellationToken = default);
}
