using Commerce.Workflows.OrderSaga;

namespace Commerce.Cli.Orders;

/// <summary>Temporal visibility queries over order sagas, built from known values only (never from free text).</summary>
internal static class OrderQueries
{
    public static string Build(bool stuckOnly, string? stage)
    {
        var clauses = new List<string> { $"WorkflowType = '{nameof(OrderSagaWorkflow)}'" };
        if (stuckOnly)
        {
            clauses.Add($"{OrderSearchAttributes.NeedsAttention.Name} = true");
        }

        if (stage is not null)
        {
            clauses.Add($"{OrderSearchAttributes.OrderStatus.Name} = '{stage}'");
        }

        return $"{string.Join(" AND ", clauses)} ORDER BY StartTime DESC";
    }
}
