using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Commerce.Activities;
using Commerce.Customer.Contracts;
using Commerce.DataSubjects.Contracts;
using Commerce.SagaTesting;
using Commerce.Testing;
using Commerce.Workflows.DataSubjects;
using Temporalio.Client;
using Temporalio.Common;
using Temporalio.Worker;

namespace Commerce.Workflows.Tests;

/// <summary>
/// The data-subject workflow with the real activities over fake owners (contexts that answer, fail, heal), on the
/// time-skipping offline server: keys gathered first, Customer erased before the others, a context that keeps failing
/// parked while the rest go on, an operator's retry finishing it, the outcome recorded once. Also the replay guard for
/// its recorded histories (Histories/DataSubjects).
/// </summary>
public sealed class DataSubjectRequestWorkflowTests(SagaServer server) : IClassFixture<SagaServer>
{
    private static readonly string[] Contexts = ["Customer", "Order", "Shipping", "Notification"];

    private static readonly DataSubjectSettings Fast = new(2, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10));

    private static readonly string RecordedFolder = Path.Combine(AppContext.BaseDirectory, "Histories", "DataSubjects");

    [Fact]
    public async Task Erasure_OneContextKeepsFailing_ParksItWhileTheOthersFinish_ThenAnOperatorsRetryCompletesIt()
    {
        var owners = new FakeDataSubjectOwners();
        owners.Failing.Add("Shipping");
        await using var worker = Worker.Start(server, owners);
        var input = NewRequest(DataRequestKind.Erasure);

        var handle = await worker.StartAsync(input);
        var parked = await Poll.UntilAsync(() => handle.QueryAsync(w => w.GetStatus()),
            s => s.NeedsAttention && s.Done.Contains("Notification erasure"), TimeSpan.FromSeconds(20));
        owners.Failing.Clear();
        await handle.SignalAsync(w => w.RetryAsync());
        var result = await handle.GetResultAsync();

        Assert.Equal(["Shipping erasure"], parked.Parked);
        Assert.DoesNotContain("Customer outcome", parked.Done);
        Assert.Equal("Customer", owners.Erasures.First());
        Assert.Equal(Contexts.Order(), owners.Erasures.Distinct().Order());
        // Shipping knows orders, not customers: it got Order's keys, and Customer's strings.
        Assert.Equal((FakeDataSubjectOwners.OrderId, "Ada Lovelace"), (owners.KeysGiven["Shipping"].OrderIds.Single(), owners.KeysGiven["Shipping"].PersonalStrings.Single()));
        Assert.Equal(Contexts.Order(), result.Erased!.Keys.Order());
        Assert.Equal(1, result.Erased["Shipping"]["shipments"]);
        var outcome = Assert.Single(owners.Outcomes);
        Assert.Equal(input.RequestId, outcome.RequestId);
        Assert.Equal(Contexts.Order(), outcome.Erased!.Keys.Order());
        Assert.False((await handle.QueryAsync(w => w.GetStatus())).NeedsAttention);
        await RecordAsync("erasure-parked-then-retried", handle);
    }

    [Fact]
    public async Task Access_CollectsEveryContextsExportIntoOneDocument_RecordedOnCustomersRequest()
    {
        var owners = new FakeDataSubjectOwners();
        await using var worker = Worker.Start(server, owners);
        var input = NewRequest(DataRequestKind.Access);

        var handle = await worker.StartAsync(input);
        var result = await handle.GetResultAsync();

        Assert.Empty(owners.Erasures);
        var document = Assert.Single(owners.Outcomes).Document!.Value;
        Assert.Equal(Contexts.Order(), document.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("Shipping", document.GetProperty("Shipping").GetProperty("records").GetProperty("context").GetString());
        Assert.Equal(["records"], result.Exported!["Order"]);
        await RecordAsync("access", handle);
    }

    [Fact]
    public async Task Replay_RecordedHistories_ReplayWithoutNondeterminism()
    {
        var files = Directory.GetFiles(RecordedFolder, "*.json");
        Assert.True(files.Length >= 2, $"Expected recorded histories in {RecordedFolder}, found {files.Length}.");

        var replayer = new WorkflowReplayer(new WorkflowReplayerOptions().AddWorkflow<DataSubjectRequestWorkflow>());
        foreach (var file in files)
        {
            var history = WorkflowHistory.FromJson(Path.GetFileNameWithoutExtension(file), await File.ReadAllTextAsync(file));
            var result = await replayer.ReplayWorkflowAsync(history, throwOnReplayFailure: false);
            Assert.True(result.ReplayFailure is null, $"{Path.GetFileName(file)}: {result.ReplayFailure}");
        }
    }

    private static DataSubjectRequestInput NewRequest(DataRequestKind kind) => new(Guid.NewGuid(), Guid.NewGuid(), kind, Contexts, Fast);

    /// <summary>Replays the fresh history; with COMMERCE_RECORD_HISTORIES set, keeps it (never overwriting one) in that folder's DataSubjects/.</summary>
    private static async Task RecordAsync(string name, WorkflowHandle<DataSubjectRequestWorkflow, DataSubjectRequestResult> handle)
    {
        var history = await handle.FetchHistoryAsync();
        var replayed = await new WorkflowReplayer(new WorkflowReplayerOptions().AddWorkflow<DataSubjectRequestWorkflow>())
            .ReplayWorkflowAsync(history, throwOnReplayFailure: false);
        Assert.True(replayed.ReplayFailure is null, $"{name}: {replayed.ReplayFailure}");
        if (Environment.GetEnvironmentVariable("COMMERCE_RECORD_HISTORIES") is { Length: > 0 } folder
            && Path.Combine(folder, "DataSubjects", $"{name}.json") is var path && !File.Exists(path))
        {
            await File.WriteAllTextAsync(path, history.ToJson());
        }
    }

    private sealed class Worker : IAsyncDisposable
    {
        private readonly TemporalWorker worker;
        private readonly Task running;
        private readonly CancellationTokenSource stop = new();
        private readonly ITemporalClient client;
        private readonly string taskQueue = $"data-subject-tests-{Guid.NewGuid():N}";

        private Worker(ITemporalClient client, IDataSubjectOwners owners)
        {
            this.client = client;
            worker = new TemporalWorker(client, new TemporalWorkerOptions(taskQueue)
                .AddWorkflow<DataSubjectRequestWorkflow>()
                .AddAllActivities(new DataSubjectActivities(owners)));
            running = worker.ExecuteAsync(stop.Token);
        }

        public static Worker Start(SagaServer server, IDataSubjectOwners owners) => new(server.Client, owners);

        public Task<WorkflowHandle<DataSubjectRequestWorkflow, DataSubjectRequestResult>> StartAsync(DataSubjectRequestInput input) =>
            client.StartWorkflowAsync((DataSubjectRequestWorkflow w) => w.RunAsync(input),
                new WorkflowOptions(DataSubjectRequestWorkflow.IdFor(input.RequestId), taskQueue));

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            try
            {
                await running;
            }
            catch (OperationCanceledException)
            {
                // The normal way a worker stops.
            }

            worker.Dispose();
            stop.Dispose();
        }
    }
}

/// <summary>Contexts that answer with one kind of record each, fail while listed in <see cref="Failing"/>, and remember what they were asked.</summary>
internal sealed class FakeDataSubjectOwners : IDataSubjectOwners, IDataSubjectsApi
{
    public static readonly Guid OrderId = Guid.NewGuid();

    public ConcurrentBag<string> Failing { get; } = [];

    public ConcurrentQueue<string> Erasures { get; } = new();

    public ConcurrentDictionary<string, DataSubjectKeys> KeysGiven { get; } = new();

    public ConcurrentQueue<DataRequestOutcomeCall> Outcomes { get; } = new();

    public ICustomerApi Customer => FakeCustomerApi.Create(this);

    public IDataSubjectsApi For(string context) => this;

    public Task<DataSubjectKeys> KeysAsync(string context, Guid customerId, CancellationToken cancellationToken = default) =>
        Task.FromResult(context switch
        {
            "customer" => new DataSubjectKeys([], ["Ada Lovelace"]),
            "order" => new DataSubjectKeys([OrderId], []),
            _ => DataSubjectKeys.None,
        });

    public Task<PersonalDataExport> ExportAsync(string context, Guid customerId, DataSubjectKeys keys, CancellationToken cancellationToken = default) =>
        Task.FromResult(new PersonalDataExport(Name(context),
            new Dictionary<string, JsonElement> { ["records"] = JsonSerializer.SerializeToElement(new { context = Name(context) }) }));

    public Task<PersonalDataErasure> EraseAsync(string context, Guid customerId, DataSubjectKeys keys, CancellationToken cancellationToken = default)
    {
        if (Failing.Contains(Name(context)))
        {
            throw new HttpRequestException($"{Name(context)} is down");
        }

        Erasures.Enqueue(Name(context));
        KeysGiven[Name(context)] = keys;
        return Task.FromResult(new PersonalDataErasure(Name(context), new Dictionary<string, int> { ["shipments"] = 1 }));
    }

    private static string Name(string slug) => slug switch
    {
        "customer" => "Customer",
        "order" => "Order",
        "shipping" => "Shipping",
        "notification" => "Notification",
        _ => slug,
    };
}

internal sealed record DataRequestOutcomeCall(Guid RequestId, JsonElement? Document, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>? Erased);

/// <summary>Customer's API as far as the workflow uses it: recording the outcome.</summary>
public class FakeCustomerApi : DispatchProxy
{
    private FakeDataSubjectOwners owners = null!;

    internal static ICustomerApi Create(FakeDataSubjectOwners owners)
    {
        var proxy = Create<ICustomerApi, FakeCustomerApi>();
        ((FakeCustomerApi)(object)proxy).owners = owners;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod?.Name != nameof(ICustomerApi.RecordDataRequestOutcomeAsync) || args is null)
        {
            throw new NotSupportedException(targetMethod?.Name);
        }

        var (customerId, requestId, outcome) = ((Guid)args[0]!, (Guid)args[1]!, (DataRequestOutcome)args[2]!);
        owners.Outcomes.Enqueue(new DataRequestOutcomeCall(requestId, outcome.Document, outcome.Erased));
        return Task.FromResult(new DataRequestResponse(requestId, customerId, DataRequestKind.Access, DataRequestStatus.Completed,
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, outcome.Document, outcome.Erased));
    }
}
