using System.Text.Json;
using Commerce.Customer.Contracts;
using Commerce.DataSubjects.Contracts;
using Temporalio.Activities;

namespace Commerce.Activities;

/// <summary>
/// The data-subject workflow's clients: every context's /ops/{context}/subjects routes and Customer's data requests,
/// each call with the workflow's own token (client <c>datasubjects</c>), each context at its own address.
/// </summary>
public interface IDataSubjectOwners
{
    IDataSubjectsApi For(string context);

    ICustomerApi Customer { get; }
}

/// <param name="Keys">What to find the customer by (export and erasure); null when asking for the keys.</param>
public sealed record DataSubjectCall(string Context, Guid CustomerId, DataSubjectKeys? Keys = null);

/// <param name="Exports">Access: every context's export, by context, then by kind of record.</param>
/// <param name="Erased">Erasure: what every context erased, by context, then by kind of record.</param>
public sealed record DataRequestCompletion(
    Guid RequestId,
    Guid CustomerId,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>>? Exports,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>? Erased);

/// <summary>
/// One call to one context per activity: the workflow retries each on its own and parks the one that keeps failing.
/// Every call is idempotent at the owner (keys and exports read; an erasure repeated erases nothing more; the outcome
/// is recorded once), so a retried activity is harmless.
/// </summary>
public sealed class DataSubjectActivities(IDataSubjectOwners owners)
{
    [Activity]
    public Task<DataSubjectKeys> FindDataSubjectKeysAsync(DataSubjectCall call) =>
        OwnerCalls.SendAsync(ct => owners.For(call.Context).KeysAsync(Slug(call), call.CustomerId, ct));

    [Activity]
    public Task<PersonalDataExport> ExportPersonalDataAsync(DataSubjectCall call) =>
        OwnerCalls.SendAsync(ct => owners.For(call.Context).ExportAsync(Slug(call), call.CustomerId, call.Keys ?? DataSubjectKeys.None, ct));

    [Activity]
    public Task<PersonalDataErasure> ErasePersonalDataAsync(DataSubjectCall call) =>
        OwnerCalls.SendAsync(ct => owners.For(call.Context).EraseAsync(Slug(call), call.CustomerId, call.Keys ?? DataSubjectKeys.None, ct));

    /// <returns>The request's status as Customer recorded it.</returns>
    [Activity]
    public async Task<DataRequestStatus> RecordDataRequestOutcomeAsync(DataRequestCompletion completion) =>
        (await OwnerCalls.SendAsync(ct => owners.Customer.RecordDataRequestOutcomeAsync(completion.CustomerId, completion.RequestId,
            new DataRequestOutcome(
                completion.Exports is null ? null : JsonSerializer.SerializeToElement(completion.Exports),
                completion.Erased), ct))).Status;

    private static string Slug(DataSubjectCall call) => call.Context.ToLowerInvariant();
}
