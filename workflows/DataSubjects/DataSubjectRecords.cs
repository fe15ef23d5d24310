using Commerce.Customer.Contracts;

namespace Commerce.Workflows.DataSubjects;

/// <param name="Contexts">Every context to ask, in the order erasure reaches them after Customer (which goes first).</param>
public sealed record DataSubjectRequestInput(
    Guid RequestId,
    Guid CustomerId,
    DataRequestKind Kind,
    IReadOnlyList<string> Contexts,
    DataSubjectSettings Settings);

/// <summary>Each call's retry budget; once spent the step parks for an operator (signal <c>Retry</c>).</summary>
public sealed record DataSubjectSettings(int StepMaxAttempts, TimeSpan StepInitialRetryInterval, TimeSpan StepMaximumRetryInterval, TimeSpan StepAttemptTimeout)
{
    public static DataSubjectSettings Default { get; } = new(8, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30));
}

/// <param name="Parked">The steps waiting for an operator ("Shipping erasure"), while <paramref name="NeedsAttention"/>.</param>
/// <param name="Done">The steps finished so far, in order.</param>
public sealed record DataSubjectRequestStatus(
    string Stage,
    bool NeedsAttention,
    IReadOnlyList<string> Parked,
    string? LastError,
    IReadOnlyList<string> Done);

/// <param name="Erased">Erasure: what each context erased, by kind of record.</param>
/// <param name="Exported">Access: the kinds of record each context exported (the document itself is Customer's to keep).</param>
public sealed record DataSubjectRequestResult(
    DataRequestKind Kind,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>? Erased,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Exported);

public static class DataSubjectStages
{
    public const string FindingKeys = "FindingKeys";
    public const string Exporting = "Exporting";
    public const string Erasing = "Erasing";
    public const string Recording = "Recording";
    public const string Completed = "Completed";
}
