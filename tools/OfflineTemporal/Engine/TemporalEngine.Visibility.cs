using System.Globalization;
using System.Text;
using Commerce.OfflineTemporal.Grpc;
using Commerce.OfflineTemporal.Visibility;
using Google.Protobuf;
using Temporalio.Api.Command.V1;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.OperatorService.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Commerce.OfflineTemporal.Engine;

internal sealed partial class TemporalEngine
{
    // --- search attributes ----------------------------------------------------------------------

    /// <summary>Like the real server: unknown attributes and values of the wrong type are rejected.</summary>
    private static void ValidateSearchAttributes(NamespaceEntry ns, SearchAttributes? attributes)
    {
        var error = FindInvalidSearchAttribute(ns, attributes);
        if (error is not null)
        {
            throw ServerErrors.InvalidArgument(error);
        }
    }

    private static string? FindInvalidSearchAttribute(NamespaceEntry ns, SearchAttributes? attributes)
    {
        foreach (var (name, payload) in attributes?.IndexedFields ?? [])
        {
            if (!ns.TryGetSearchAttributeType(name, out var type))
            {
                return $"search attribute {name} is not defined";
            }

            if (SearchAttributeValues.DeclaredType(payload) is { } declared && declared != type)
            {
                return $"invalid value for search attribute {name} of type {type}: declared as {declared}";
            }

            try
            {
                SearchAttributeValues.Decode(payload, type);
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or FormatException)
            {
                return $"invalid value for search attribute {name} of type {type}";
            }
        }

        return null;
    }

    private string? FindInvalidSearchAttributes(WorkflowRun run, IEnumerable<Command> commands)
    {
        var ns = _namespaces[run.Namespace];
        foreach (var command in commands)
        {
            var attributes = command.CommandType switch
            {
                CommandType.UpsertWorkflowSearchAttributes => command.UpsertWorkflowSearchAttributesCommandAttributes.SearchAttributes,
                CommandType.StartChildWorkflowExecution => command.StartChildWorkflowExecutionCommandAttributes.SearchAttributes,
                CommandType.ContinueAsNewWorkflowExecution => command.ContinueAsNewWorkflowExecutionCommandAttributes.SearchAttributes,
                _ => null,
            };
            if (FindInvalidSearchAttribute(ns, attributes) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    private static void MergeSearchAttributes(WorkflowRun run, SearchAttributes attributes)
    {
        foreach (var (name, payload) in attributes.IndexedFields)
        {
            if (SearchAttributeValues.IsUnset(payload))
            {
                run.SearchAttributes.Remove(name);
            }
            else
            {
                run.SearchAttributes[name] = payload;
            }
        }
    }

    private object? ReadField(WorkflowRun run, NamespaceEntry ns, string field) => field switch
    {
        "WorkflowId" => run.WorkflowId,
        "WorkflowType" => run.WorkflowType,
        "RunId" => run.RunId,
        "TaskQueue" => run.TaskQueue,
        "ExecutionStatus" => run.Status.ToString(),
        "StartTime" => run.StartTime,
        "CloseTime" => run.CloseTime,
        "ExecutionTime" => run.ExecutionTime,
        "HistoryLength" => (long)run.HistoryLength,
        "ParentWorkflowId" => run.Parent?.WorkflowId,
        "ParentRunId" => run.Parent?.RunId,
        "RootWorkflowId" => Root(run).WorkflowId,
        _ => run.SearchAttributes.TryGetValue(field, out var payload) && ns.TryGetSearchAttributeType(field, out var type)
            ? SearchAttributeValues.Decode(payload, type)
            : null,
    };

    private static WorkflowRun Root(WorkflowRun run)
    {
        while (run.Parent is not null)
        {
            run = run.Parent;
        }

        return run;
    }

    private (NamespaceEntry Ns, List<WorkflowRun> Runs, VisibilityQuery Query) Select(string nsName, string queryText)
    {
        var ns = GetNamespace(nsName);
        var query = VisibilityQuery.Parse(queryText, name => ns.TryGetSearchAttributeType(name, out var t) ? t : null);
        var runs = _runs.Values
            .Where(r => r.Namespace == nsName && query.Filter(field => ReadField(r, ns, field)))
            .ToList();
        return (ns, runs, query);
    }

    public ListWorkflowExecutionsResponse List(string nsName, string queryText, int pageSize, ByteString pageToken)
    {
        lock (Gate)
        {
            var (ns, runs, query) = Select(nsName, queryText);
            if (query.GroupBy is not null)
            {
                throw ServerErrors.InvalidArgument("invalid query: GROUP BY is only supported by CountWorkflowExecutions");
            }

            IOrderedEnumerable<WorkflowRun> ordered;
            if (query.OrderBy.Count == 0)
            {
                // The real server's default: open runs first, then most recently closed, then most recently started.
                ordered = runs.OrderByDescending(r => r.CloseTime ?? DateTime.MaxValue).ThenByDescending(r => r.StartTime);
            }
            else
            {
                ordered = Order(runs, ns, query.OrderBy[0]);
                foreach (var key in query.OrderBy.Skip(1))
                {
                    var k = key;
                    ordered = k.Descending
                        ? ordered.ThenByDescending(r => ReadField(r, ns, k.Field), Comparer)
                        : ordered.ThenBy(r => ReadField(r, ns, k.Field), Comparer);
                }
            }

            var offset = pageToken.IsEmpty ? 0 : int.Parse(Encoding.UTF8.GetString(pageToken.Span), CultureInfo.InvariantCulture);
            var size = pageSize > 0 ? pageSize : 1000;
            var page = ordered.ThenBy(r => r.RunId, StringComparer.Ordinal).Skip(offset).Take(size).ToList();
            var response = new ListWorkflowExecutionsResponse();
            response.Executions.AddRange(page.Select(ToExecutionInfo));
            if (offset + page.Count < runs.Count)
            {
                response.NextPageToken = ByteString.CopyFromUtf8((offset + page.Count).ToString(CultureInfo.InvariantCulture));
            }

            return response;
        }
    }

    private static readonly Comparer<object?> Comparer = Comparer<object?>.Create(ValueComparer.Compare);

    private IOrderedEnumerable<WorkflowRun> Order(List<WorkflowRun> runs, NamespaceEntry ns, (string Field, bool Descending) key) =>
        key.Descending
            ? runs.OrderByDescending(r => ReadField(r, ns, key.Field), Comparer)
            : runs.OrderBy(r => ReadField(r, ns, key.Field), Comparer);

    public CountWorkflowExecutionsResponse Count(CountWorkflowExecutionsRequest req)
    {
        lock (Gate)
        {
            var (_, runs, query) = Select(req.Namespace, req.Query);
            var response = new CountWorkflowExecutionsResponse { Count = runs.Count };
            if (query.GroupBy is not null)
            {
                foreach (var group in runs.GroupBy(r => r.Status))
                {
                    var value = new Payload { Data = ByteString.CopyFromUtf8($"\"{group.Key}\"") };
                    value.Metadata["encoding"] = ByteString.CopyFromUtf8("json/plain");
                    response.Groups.Add(new CountWorkflowExecutionsResponse.Types.AggregationGroup
                    {
                        Count = group.Count(),
                        GroupValues = { value },
                    });
                }
            }

            return response;
        }
    }

    // --- namespaces and the operator service --------------------------------------------------------

    public DescribeNamespaceResponse DescribeNamespace(DescribeNamespaceRequest req)
    {
        lock (Gate)
        {
            var name = string.IsNullOrEmpty(req.Namespace) ? _namespaces.Values.FirstOrDefault(n => n.Id == req.Id)?.Name ?? "" : req.Namespace;
            return ToDescription(GetNamespace(name));
        }
    }

    public ListNamespacesResponse ListNamespaces()
    {
        lock (Gate)
        {
            var response = new ListNamespacesResponse();
            response.Namespaces.AddRange(_namespaces.Values.Select(ToDescription));
            return response;
        }
    }

    public void RegisterNamespace(RegisterNamespaceRequest req)
    {
        lock (Gate)
        {
            if (string.IsNullOrEmpty(req.Namespace))
            {
                throw ServerErrors.InvalidArgument("Namespace not set on request.");
            }

            if (_namespaces.ContainsKey(req.Namespace))
            {
                throw ServerErrors.Create(global::Grpc.Core.StatusCode.AlreadyExists, "Namespace already exists.", new Temporalio.Api.ErrorDetails.V1.NamespaceAlreadyExistsFailure());
            }

            _namespaces[req.Namespace] = new NamespaceEntry(req.Namespace);
        }
    }

    private static DescribeNamespaceResponse ToDescription(NamespaceEntry ns) => new()
    {
        NamespaceInfo = new()
        {
            Name = ns.Name,
            Id = ns.Id,
            State = Temporalio.Api.Enums.V1.NamespaceState.Registered,
            Description = "Offline Temporal test double namespace",
            Capabilities = new() { SyncUpdate = true, AsyncUpdate = true, EagerWorkflowStart = false },
        },
        Config = new() { WorkflowExecutionRetentionTtl = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromDays(1)) },
    };

    public void AddSearchAttributes(AddSearchAttributesRequest req)
    {
        lock (Gate)
        {
            var ns = GetNamespace(string.IsNullOrEmpty(req.Namespace) ? "default" : req.Namespace);
            foreach (var (name, type) in req.SearchAttributes)
            {
                if (VisibilityQuery.SystemFields.ContainsKey(name) || NamespaceEntry.SystemSearchAttributes.ContainsKey(name))
                {
                    throw ServerErrors.InvalidArgument($"Search attribute {name} is reserved by system.");
                }

                if (ns.SearchAttributes.TryGetValue(name, out var existing) && existing != type)
                {
                    throw ServerErrors.AlreadyExists($"Search attribute {name} already exists with type {existing}.");
                }
            }

            foreach (var (name, type) in req.SearchAttributes)
            {
                ns.SearchAttributes[name] = type;
            }
        }
    }

    public ListSearchAttributesResponse ListSearchAttributes(string nsName)
    {
        lock (Gate)
        {
            var ns = GetNamespace(string.IsNullOrEmpty(nsName) ? "default" : nsName);
            var response = new ListSearchAttributesResponse();
            response.CustomAttributes.Add(ns.SearchAttributes);
            foreach (var (name, type) in VisibilityQuery.SystemFields.Concat(NamespaceEntry.SystemSearchAttributes))
            {
                response.SystemAttributes[name] = type;
            }

            return response;
        }
    }

    public void RemoveSearchAttributes(RemoveSearchAttributesRequest req)
    {
        lock (Gate)
        {
            var ns = GetNamespace(string.IsNullOrEmpty(req.Namespace) ? "default" : req.Namespace);
            foreach (var name in req.SearchAttributes)
            {
                if (!ns.SearchAttributes.Remove(name))
                {
                    throw ServerErrors.NotFound($"Search attribute {name} doesn't exist.");
                }
            }
        }
    }
}
