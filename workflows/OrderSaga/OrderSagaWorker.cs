using Temporalio.Activities;
using Temporalio.Worker;

namespace Commerce.Workflows.OrderSaga;

public static class OrderSagaWorker
{
    /// <summary>
    /// Registers each step's activity once more under its former name (<see cref="SagaSteps.FormerActivityNames"/>):
    /// sagas started before the rename keep scheduling those names and would wait forever on a worker without them.
    /// Call once the activities are added.
    /// </summary>
    public static TemporalWorkerOptions AddFormerActivityNames(this TemporalWorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var activity in options.Activities.ToList())
        {
            if (activity.Name is { } name && SagaSteps.FormerActivityNames.TryGetValue(name, out var former))
            {
                options.AddActivity(ActivityDefinition.Create(
                    former, activity.ReturnType, activity.ParameterTypes, activity.RequiredParameterCount, activity.InvokeAsync));
            }
        }

        return options;
    }
}
