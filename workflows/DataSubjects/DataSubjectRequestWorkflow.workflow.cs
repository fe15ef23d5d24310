using System.Linq.Expressions;
using Commerce.Activities;
using Commerce.Customer.Contracts;
using Commerce.DataSubjects.Contracts;
using Commerce.Workflows.OrderSaga;
using Microsoft.Extensions.Logging;
using Temporalio.Common;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Commerce.Workflows.DataSubjects;

/// <summary>
/// One data-subject request across every context: first the keys the customer is known by (Customer's personal
/// strings, Order's orders, a seller's contact), then for access every context's export, for erasure Customer's erasure
/// (the profile and sign-in go first, so nothing new about the customer is published) and then every other context's,
/// and last the outcome recorded on Customer's request. Each call retries with backoff; one that keeps failing parks
/// (status and search attributes NeedsAttention/FailedStep, as the order saga does) until an operator signals
/// <see cref="RetryAsync"/>, while the other contexts' calls go on.
/// </summary>
[Workflow]
public sealed class DataSubjectRequestWorkflow
{
    public const string TaskQueue = "commerce-data-subjects";

    /// <summary>The owner of the requests and of the profile and sign-in, erased first.</summary>
    public const string CustomerContext = "Customer";

    private readonly List<string> parked = [];
    private readonly List<string> done = [];
    private DataSubjectRequestStatus status = new(DataSubjectStages.FindingKeys, false, [], null, []);
    private DataSubjectSettings settings = DataSubjectSettings.Default;
    private int retries;

    public static string IdFor(Guid requestId) => $"data-subject-{requestId}";

    [WorkflowRun]
    public async Task<DataSubjectRequestResult> RunAsync(DataSubjectRequestInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        settings = input.Settings;
        var keys = DataSubjectKeys.None;
        foreach (var found in await Workflow.WhenAllAsync(input.Contexts.Select(context =>
                     StepAsync(context, "keys", a => a.FindDataSubjectKeysAsync(new DataSubjectCall(context, input.CustomerId))))))
        {
            keys = keys.Merge(found);
        }

        if (input.Kind == DataRequestKind.Access)
        {
            SetStage(DataSubjectStages.Exporting);
            var exports = await Workflow.WhenAllAsync(input.Contexts.Select(context =>
                StepAsync(context, "export", a => a.ExportPersonalDataAsync(new DataSubjectCall(context, input.CustomerId, keys)))));
            var document = exports.ToDictionary(e => e.Context, e => e.Data);
            SetStage(DataSubjectStages.Recording);
            await StepAsync(CustomerContext, "outcome", a => a.RecordDataRequestOutcomeAsync(
                new DataRequestCompletion(input.RequestId, input.CustomerId, document, null)));
            SetStage(DataSubjectStages.Completed);
            return new DataSubjectRequestResult(input.Kind, null,
                exports.ToDictionary(e => e.Context, e => (IReadOnlyList<string>)[.. e.Data.Keys]));
        }

        SetStage(DataSubjectStages.Erasing);
        var first = input.Contexts.Where(c => c == CustomerContext).ToList();
        var erasures = new List<PersonalDataErasure>();
        foreach (var wave in new[] { first, input.Contexts.Except(first).ToList() })
        {
            erasures.AddRange(await Workflow.WhenAllAsync(wave.Select(context =>
                StepAsync(context, "erasure", a => a.ErasePersonalDataAsync(new DataSubjectCall(context, input.CustomerId, keys))))));
        }

        var erased = input.Contexts.Join(erasures, c => c, e => e.Context, (c, e) => (c, e.Erased))
            .ToDictionary(x => x.c, x => x.Erased);
        SetStage(DataSubjectStages.Recording);
        await StepAsync(CustomerContext, "outcome", a => a.RecordDataRequestOutcomeAsync(
            new DataRequestCompletion(input.RequestId, input.CustomerId, null, erased)));
        SetStage(DataSubjectStages.Completed);
        return new DataSubjectRequestResult(input.Kind, erased, null);
    }

    /// <summary>An operator retries every parked step (after fixing what failed): each runs again with a fresh retry budget.</summary>
    [WorkflowSignal]
    public Task RetryAsync()
    {
        retries++;
        return Task.CompletedTask;
    }

    [WorkflowQuery]
    public DataSubjectRequestStatus GetStatus() => status;

    /// <summary>Runs one call, retried by Temporal; when it still fails, parks it until <see cref="RetryAsync"/>, then runs it again.</summary>
    private async Task<T> StepAsync<T>(string context, string step, Expression<Func<DataSubjectActivities, Task<T>>> call)
    {
        var name = $"{context} {step}";
        while (true)
        {
            try
            {
                var result = await Workflow.ExecuteActivityAsync(call, Options());
                done.Add(name);
                Publish();
                return result;
            }
            catch (ActivityFailureException failure)
            {
                await ParkAsync(name, failure);
            }
        }
    }

    private async Task ParkAsync(string step, ActivityFailureException failure)
    {
        var error = (failure.InnerException ?? failure).Message;
        parked.Add(step);
        status = status with { LastError = error };
        Publish();
        Workflow.Logger.LogWarning("Data-subject request step {Step} needs attention: {Error}", step, error);
        var generation = retries;
        await Workflow.WaitConditionAsync(() => retries > generation);
        parked.Remove(step);
        Publish();
    }

    private ActivityOptions Options() => new()
    {
        StartToCloseTimeout = settings.StepAttemptTimeout,
        RetryPolicy = new RetryPolicy
        {
            MaximumAttempts = settings.StepMaxAttempts,
            InitialInterval = settings.StepInitialRetryInterval,
            MaximumInterval = settings.StepMaximumRetryInterval,
        },
    };

    private void SetStage(string stage)
    {
        status = status with { Stage = stage };
        Publish();
    }

    /// <summary>The status and, for operators' lists, the same attention attributes the order saga sets.</summary>
    private void Publish()
    {
        var wasParked = status.NeedsAttention;
        status = status with { NeedsAttention = parked.Count > 0, Parked = [.. parked], Done = [.. done] };
        if (wasParked != status.NeedsAttention || status.NeedsAttention)
        {
            Workflow.UpsertTypedSearchAttributes(
                OrderSearchAttributes.NeedsAttention.ValueSet(status.NeedsAttention),
                parked.Count == 0 ? OrderSearchAttributes.FailedStep.ValueUnset() : OrderSearchAttributes.FailedStep.ValueSet(parked[0]));
        }
    }
}
