using Temporalio.Activities;
using Temporalio.Workflows;

namespace Commerce.OfflineTemporal.Benchmarks;

public record StepInput(string OrderId, int Step);

public class StepActivities
{
    [Activity]
    public string Step(StepInput input) => $"{input.OrderId}:{input.Step}";
}

/// <summary>Three sequential activities, the shape of a small saga.</summary>
[Workflow]
public class ThreeStepWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(string orderId)
    {
        var options = new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(30) };
        var last = "";
        for (var step = 1; step <= 3; step++)
        {
            var input = new StepInput(orderId, step);
            last = await Workflow.ExecuteActivityAsync((StepActivities a) => a.Step(input), options);
        }

        return last;
    }
}
