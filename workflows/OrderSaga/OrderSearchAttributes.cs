using Temporalio.Api.Enums.V1;
using Temporalio.Api.OperatorService.V1;
using Temporalio.Client;
using Temporalio.Common;

namespace Commerce.Workflows.OrderSaga;

/// <summary>Custom search attributes operators filter orders by, in the Web UI and the CLI.</summary>
public static class OrderSearchAttributes
{
    public static readonly SearchAttributeKey<string> OrderId = SearchAttributeKey.CreateKeyword("OrderId");
    public static readonly SearchAttributeKey<string> CustomerId = SearchAttributeKey.CreateKeyword("CustomerId");
    public static readonly SearchAttributeKey<string> OrderStatus = SearchAttributeKey.CreateKeyword("OrderStatus");
    public static readonly SearchAttributeKey<bool> NeedsAttention = SearchAttributeKey.CreateBool("NeedsAttention");
    public static readonly SearchAttributeKey<string> FailedStep = SearchAttributeKey.CreateKeyword("FailedStep");

    /// <summary>What the worker registers with the server's operator service at start-up.</summary>
    public static readonly IReadOnlyDictionary<string, IndexedValueType> Definitions = new Dictionary<string, IndexedValueType>
    {
        [OrderId.Name] = IndexedValueType.Keyword,
        [CustomerId.Name] = IndexedValueType.Keyword,
        [OrderStatus.Name] = IndexedValueType.Keyword,
        [NeedsAttention.Name] = IndexedValueType.Bool,
        [FailedStep.Name] = IndexedValueType.Keyword,
    };

    public static SearchAttributeCollection ForNewSaga(OrderSagaInput input) =>
        new SearchAttributeCollection.Builder()
            .Set(OrderId, input.OrderId.ToString())
            .Set(CustomerId, input.CustomerId.ToString())
            .Set(OrderStatus, SagaStages.Submitting)
            .Set(NeedsAttention, false)
            .ToSearchAttributeCollection();

    /// <summary>
    /// The visibility query for order sagas, newest first, optionally filtered by needs-attention and stage. Built
    /// from known values only (a stage outside <see cref="SagaStages.All"/> is refused), never from free text.
    /// </summary>
    public static string ListQuery(bool? needsAttention = null, string? stage = null)
    {
        if (stage is not null && !SagaStages.All.Contains(stage))
        {
            throw new ArgumentException($"Unknown saga stage '{stage}'.", nameof(stage));
        }

        var clauses = new List<string> { $"WorkflowType = '{nameof(OrderSagaWorkflow)}'" };
        if (needsAttention is { } attention)
        {
            clauses.Add($"{NeedsAttention.Name} = {(attention ? "true" : "false")}");
        }

        if (stage is not null)
        {
            clauses.Add($"{OrderStatus.Name} = '{stage}'");
        }

        return $"{string.Join(" AND ", clauses)} ORDER BY StartTime DESC";
    }

    /// <summary>
    /// Registers whichever of <see cref="Definitions"/> the namespace lacks. Run at worker start-up, so a fresh
    /// Temporal (dev server, compose, in-process) lets operators filter orders from the first one on.
    /// </summary>
    public static async Task RegisterAsync(ITemporalClient client)
    {
        var existing = await client.Connection.OperatorService.ListSearchAttributesAsync(
            new ListSearchAttributesRequest { Namespace = client.Options.Namespace });
        var request = new AddSearchAttributesRequest { Namespace = client.Options.Namespace };
        foreach (var (name, type) in Definitions.Where(d => !existing.CustomAttributes.ContainsKey(d.Key)))
        {
            request.SearchAttributes[name] = type;
        }

        if (request.SearchAttributes.Count > 0)
        {
            await client.Connection.OperatorService.AddSearchAttributesAsync(request);
        }
    }
}
