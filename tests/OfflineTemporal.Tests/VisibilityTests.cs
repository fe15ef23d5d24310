using Temporalio.Api.Enums.V1;
using Temporalio.Api.OperatorService.V1;
using Temporalio.Common;

namespace Commerce.OfflineTemporal.Tests;

/// <summary>Issue item 6: list and count with the query subset, custom search attributes, operator registration.</summary>
public class VisibilityTests
{
    private static async Task RegisterAttributesAsync(ITemporalClient client) =>
        await client.Connection.OperatorService.AddSearchAttributesAsync(new AddSearchAttributesRequest
        {
            Namespace = client.Options.Namespace,
            SearchAttributes =
            {
                ["OrderStatus"] = IndexedValueType.Keyword,
                ["ItemCount"] = IndexedValueType.Int,
                ["NeedsAttention"] = IndexedValueType.Bool,
                ["DueAt"] = IndexedValueType.Datetime,
            },
        });

    private static async Task<List<string>> IdsAsync(ITemporalClient client, string query) =>
        (await client.ListWorkflowsAsync(query).ToListAsync()).Select(w => w.Id).ToList();

    [Fact]
    public async Task AddSearchAttributes_ThroughOperatorService_AreListed()
    {
        await using var server = await Server.StartAsync();
        await RegisterAttributesAsync(server.Client);
        var listed = await server.Client.Connection.OperatorService.ListSearchAttributesAsync(new() { Namespace = server.Namespace });
        Assert.Equal(IndexedValueType.Keyword, listed.CustomAttributes["OrderStatus"]);
        Assert.Equal(IndexedValueType.Datetime, listed.CustomAttributes["DueAt"]);
    }

    [Fact]
    public async Task List_QuerySubset_FiltersByTypeIdStatusTimesAndCustomAttributes()
    {
        await using var server = await Server.StartAsync();
        await RegisterAttributesAsync(server.Client);
        var tq = Server.NewTaskQueue();
        var due = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        await Server.RunWorkerAsync(server.Client, Server.Worker(tq).AddWorkflow<SearchableWorkflow>().AddWorkflow<GreetWorkflow>().AddAllActivities(new GreetActivities()), async () =>
        {
            var greeted = Server.NewId("greet");
            await server.Client.ExecuteWorkflowAsync((GreetWorkflow w) => w.RunAsync(new("x")), Server.Options(tq, greeted));

            var small = Server.Options(tq, Server.NewId("small"));
            small.TypedSearchAttributes = new SearchAttributeCollection.Builder()
                .Set(SagaAttributes.ItemCount, 2).Set(SagaAttributes.DueAt, due).ToSearchAttributeCollection();
            var smallHandle = await server.Client.StartWorkflowAsync((SearchableWorkflow w) => w.RunAsync(), small);

            var big = Server.Options(tq, Server.NewId("big"));
            big.TypedSearchAttributes = new SearchAttributeCollection.Builder()
                .Set(SagaAttributes.ItemCount, 20).Set(SagaAttributes.DueAt, due.AddDays(1)).ToSearchAttributeCollection();
            var bigHandle = await server.Client.StartWorkflowAsync((SearchableWorkflow w) => w.RunAsync(), big);

            // Attributes set by upsert become visible once the workflow task that upserts completes.
            await bigHandle.SignalAsync(w => w.SetStatusAsync("stuck"));
            await smallHandle.SignalAsync(w => w.SetStatusAsync("paid"));
            Assert.Equal("stuck", await bigHandle.QueryAsync(w => w.CurrentStatus()));
            Assert.Equal("paid", await smallHandle.QueryAsync(w => w.CurrentStatus()));

            Assert.Equal([greeted], await IdsAsync(server.Client, "WorkflowType = 'GreetWorkflow'"));
            Assert.Equal([small.Id!], await IdsAsync(server.Client, $"WorkflowId = '{small.Id}'"));
            Assert.Equal([greeted], await IdsAsync(server.Client, "ExecutionStatus = 'Completed'"));
            Assert.Equal(2, (await IdsAsync(server.Client, "ExecutionStatus = 'Running' AND WorkflowType = 'SearchableWorkflow'")).Count);
            Assert.Equal([big.Id!], await IdsAsync(server.Client, "OrderStatus = 'stuck'"));
            Assert.Equal([big.Id!], await IdsAsync(server.Client, "NeedsAttention = true"));
            Assert.Equal([small.Id!], await IdsAsync(server.Client, "ItemCount < 10 AND NeedsAttention = false"));
            Assert.Equal([big.Id!], await IdsAsync(server.Client, $"DueAt > '{due:yyyy-MM-ddTHH:mm:ssZ}'"));
            Assert.Equal(
                [big.Id!, small.Id!],
                await IdsAsync(server.Client, "(OrderStatus = 'stuck' OR ItemCount = 2) AND WorkflowType = 'SearchableWorkflow' ORDER BY StartTime DESC"));
            Assert.Equal(
                [greeted, small.Id!, big.Id!],
                await IdsAsync(server.Client, "WorkflowType = 'GreetWorkflow' OR (ItemCount >= 2 AND ExecutionStatus = 'Running') ORDER BY StartTime ASC"));

            var started = (await server.Client.GetWorkflowHandle(small.Id!).DescribeAsync()).StartTime;
            Assert.Contains(big.Id!, await IdsAsync(server.Client, $"StartTime >= '{started:O}'"));
            Assert.DoesNotContain(greeted, await IdsAsync(server.Client, $"StartTime >= '{started:O}'"));
            Assert.Equal([greeted], await IdsAsync(server.Client, $"CloseTime < '{server.UtcNow.AddMinutes(1):O}'"));

            Assert.Equal(2, (await server.Client.CountWorkflowsAsync("WorkflowType = 'SearchableWorkflow'")).Count);
            Assert.Equal(3, (await server.Client.CountWorkflowsAsync(string.Empty)).Count);

            await bigHandle.SignalAsync(w => w.FinishAsync());
            await bigHandle.GetResultAsync();
            Assert.Equal(2, (await server.Client.CountWorkflowsAsync("ExecutionStatus = 'Completed'")).Count);
        });
    }

    [Fact]
    public async Task Describe_SearchAttributesSetAtStart_AreReturned()
    {
        await using var server = await Server.StartAsync();
        await RegisterAttributesAsync(server.Client);
        var tq = Server.NewTaskQueue();
        var options = Server.Options(tq);
        options.TypedSearchAttributes = new SearchAttributeCollection.Builder().Set(SagaAttributes.OrderStatus, "new").ToSearchAttributeCollection();
        var handle = await server.Client.StartWorkflowAsync((SearchableWorkflow w) => w.RunAsync(), options);
        var description = await handle.DescribeAsync();
        Assert.Equal("new", description.TypedSearchAttributes.Get(SagaAttributes.OrderStatus));
    }

    [Theory]
    [InlineData("NoSuchAttribute = 'x'")]
    [InlineData("WorkflowType = ")]
    [InlineData("WorkflowType LIKE 'x%'")]
    [InlineData("ExecutionStatus = 'Sleeping'")]
    [InlineData("ItemCount = 'many'")]
    [InlineData("(WorkflowType = 'a'")]
    public async Task List_UnsupportedOrInvalidQuery_ThrowsInvalidArgument(string query)
    {
        await using var server = await Server.StartAsync();
        await RegisterAttributesAsync(server.Client);
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.ListWorkflowsAsync(query).ToListAsync().AsTask());
        Assert.Equal(RpcException.StatusCode.InvalidArgument, ex.Code);
    }

    [Fact]
    public async Task Start_UnregisteredSearchAttribute_ThrowsInvalidArgument()
    {
        await using var server = await Server.StartAsync();
        var options = Server.Options(Server.NewTaskQueue());
        options.TypedSearchAttributes = new SearchAttributeCollection.Builder()
            .Set(SearchAttributeKey.CreateKeyword("NotRegistered"), "x").ToSearchAttributeCollection();
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.StartWorkflowAsync((SearchableWorkflow w) => w.RunAsync(), options));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, ex.Code);
    }
}
