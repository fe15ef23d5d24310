using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Commerce.Host;
using Commerce.Host.Testing;
using Commerce.ServiceDefaults.Security;

namespace Commerce.BadInput.Tests;

/// <summary>
/// Cases generated from every OpenAPI document rather than listed: each operation that reads a JSON body, and each
/// array (or map) anywhere in that body, gets the same hostile variants. A new endpoint or a new array field is
/// covered the day it is mapped, and one that cannot declare its limits fails here.
/// </summary>
public sealed partial class BadRequestTests
{
    /// <summary>More than any request array may hold (each declares a far smaller maxItems).</summary>
    private const int Flood = 10_000;

    [Fact]
    public async Task RequestCollections_EveryArrayAndMapOfEveryBody_RefuseNullsWrongTypesAndTooMany()
    {
        var failures = new List<string>();
        var collections = new List<string>();
        foreach (var operation in await BodyOperationsAsync())
        {
            foreach (var collection in CollectionsOf(operation.Document, operation.Schema, []))
            {
                var field = string.Join('.', collection.Path);
                collections.Add($"{operation}: {field}");
                var sample = Sample(operation.Document, collection.Element);
                var max = collection.Schema[collection.IsMap ? "maxProperties" : "maxItems"]?.GetValue<int>();
                if (max is not (> 0 and < Flood))
                {
                    failures.Add($"{operation}: {field} declares no maximum length below {Flood} (add [MaxLength] to the contract)");
                }

                var wrong = sample is JsonObject or JsonArray ? JsonValue.Create(42) : (JsonNode)new JsonObject { ["x"] = 1 };
                var first = collection.IsMap ? $"{field}.k" : $"{field}[0]";
                var variants = new List<(string Name, JsonNode Value, string? Key)>
                {
                    ("a null element", Collection(collection.IsMap, 1, _ => null), first),
                    ("an element of the wrong type", Collection(collection.IsMap, 1, _ => wrong), first),
                    ($"{Flood} elements", Collection(collection.IsMap, Flood, _ => sample?.DeepClone()), null),
                };
                if (max is > 0 and < Flood)
                {
                    variants.Add(($"{max + 1} elements (one over maxItems)", Collection(collection.IsMap, max.Value + 1, _ => sample?.DeepClone()), field));
                }

                foreach (var (name, value, key) in variants)
                {
                    var body = Sample(operation.Document, operation.Schema)!;
                    Replace(body, collection.Path, value);
                    var failure = await RefusedAsync(operation, body.ToJsonString(), key);
                    if (failure is not null)
                    {
                        failures.Add($"{operation}: {field} with {name}: {failure}");
                    }
                }
            }
        }

        // The generator must find what is known to be there, or it proves nothing.
        Assert.Contains(collections, c => c.EndsWith("POST /orders: items", StringComparison.Ordinal));
        Assert.Contains(collections, c => c.EndsWith("POST /inventory/reservations: lines", StringComparison.Ordinal));
        Assert.Contains(collections, c => c.EndsWith("POST /shipments: items", StringComparison.Ordinal));
        Assert.Contains(collections, c => c.EndsWith("POST /notifications: data", StringComparison.Ordinal));
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        await system.Problems.AssertDeclaredAsync(system.Client);
    }

    [Fact]
    public async Task RequestBodies_MalformedJsonOnEveryOperation_Is400ProblemDetails()
    {
        var failures = new List<string>();
        var operations = await BodyOperationsAsync();
        foreach (var operation in operations)
        {
            foreach (var body in new[] { """{"a":""", "\"just a string\"", "[1,2", "{}}" })
            {
                if (await RefusedAsync(operation, body, key: null, expected: [400]) is { } failure)
                {
                    failures.Add($"{operation} with {body}: {failure}");
                }
            }
        }

        // Every context's inbox and Checkout's delivery relay are among them.
        Assert.Contains(operations, o => o.Path == "/events/checkout");
        Assert.Contains(operations, o => o.Path == "/events/inventory");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        await system.Problems.AssertDeclaredAsync(system.Client);
    }

    /// <summary>Null when the body was refused as it must be: 4xx problem details (the key among its errors), nothing written.</summary>
    private async Task<string?> RefusedAsync(BodyOperation operation, string body, string? key, int[]? expected = null)
    {
        var before = await system.CountRowsAsync();
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), operation.Url);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", $"generated-{Guid.NewGuid():N}");
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (operation.Path == CarrierSigning.WebhookPath)
        {
            // Signed, or the signature check (401) would answer before the body is ever read.
            request.Headers.Add(CarrierSigning.Header, CarrierSigning.Signature(
                BadInputSystem.CarrierWebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), Encoding.UTF8.GetBytes(body)));
        }
        if (operation.Path.StartsWith("/events/", StringComparison.Ordinal))
        {
            // Inboxes admit services only (an operator is 403 before the body is read). Any service's token passes the
            // door; a body that is no envelope is refused before its source could be compared with the caller.
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
                await TestIdentity.PublisherTokenAsync(system.Client.BaseAddress!, "Shipping"));
        }

        if (operation.Path.Contains("/subjects/", StringComparison.Ordinal) || operation.Path.EndsWith("/outcome", StringComparison.Ordinal))
        {
            // The data-subject routes admit only the data-subject workflow's client, not operators.
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
                await TestIdentity.ClientTokenAsync(system.Client.BaseAddress!, Clients.DataSubjects));
        }

        using var response = await system.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        var after = await system.CountRowsAsync();
        if (!(expected?.Contains(status) ?? status is 400 or 413 or 422))
        {
            return $"answered {status}: {text[..Math.Min(text.Length, 300)]}";
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"answered {status} as {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not problem details: {text[..Math.Min(text.Length, 300)]}";
        }

        if (!before.SequenceEqual(after))
        {
            return "rows were written";
        }

        if (key is not null && status == 400)
        {
            using var problem = JsonDocument.Parse(text);
            if (!problem.RootElement.TryGetProperty("errors", out var errors) || !errors.TryGetProperty(key, out _))
            {
                return $"the problem names no field {key}: {text}";
            }
        }

        return null;
    }

    /// <summary>Every operation of every API document whose request body is JSON, with a sample URL.</summary>
    private async Task<List<BodyOperation>> BodyOperationsAsync()
    {
        var operations = new List<BodyOperation>();
        foreach (var name in HostedContexts.All.Select(c => c.Name.ToLowerInvariant()).Append("checkout"))
        {
            var document = JsonNode.Parse(await system.Client.GetStringAsync(new Uri($"/openapi/{name}.json", UriKind.Relative)))!;
            foreach (var (path, item) in document["paths"]!.AsObject())
            {
                foreach (var (method, operation) in item!.AsObject())
                {
                    if (operation?["requestBody"]?["content"]?["application/json"]?["schema"] is not { } schema)
                    {
                        continue;
                    }

                    var url = ParameterPlaceholder().Replace(path, m =>
                        operation["parameters"]?.AsArray().FirstOrDefault(p => p?["name"]?.GetValue<string>() == m.Groups[1].Value)
                            ?["schema"]?["format"]?.GetValue<string>() == "uuid" ? system.Values["unknown"] : "generated-1");
                    operations.Add(new BodyOperation(name, method.ToUpperInvariant(), path, url, document, schema));
                }
            }
        }

        return operations;
    }

    /// <summary>Every array and map (additionalProperties) reachable from <paramref name="schema"/>, by property path.</summary>
    private static IEnumerable<(List<string> Path, JsonNode Schema, JsonNode? Element, bool IsMap)> CollectionsOf(
        JsonNode document, JsonNode schema, List<string> path)
    {
        schema = Resolve(document, schema);
        if (path.Count > 8)
        {
            yield break;
        }

        if (Types(schema).Contains("array"))
        {
            yield return (path, schema, schema["items"], false);
            yield break;
        }

        if (schema["additionalProperties"] is JsonObject values)
        {
            yield return (path, schema, values, true);
        }

        foreach (var (name, property) in schema["properties"]?.AsObject() ?? new JsonObject())
        {
            foreach (var found in CollectionsOf(document, property!, [.. path, name]))
            {
                yield return found;
            }
        }
    }

    /// <summary>A value of the schema's shape that binds (every property, the first enum value, one element per array).</summary>
    private static JsonNode? Sample(JsonNode document, JsonNode? schema, int depth = 0)
    {
        if (schema is null || depth > 8)
        {
            return null;
        }

        schema = Resolve(document, schema);
        if (schema["enum"] is JsonArray values)
        {
            return values.FirstOrDefault(v => v is not null)?.DeepClone();
        }

        var types = Types(schema);
        if (types.Contains("object") || schema["properties"] is not null)
        {
            var sample = new JsonObject();
            foreach (var (name, property) in schema["properties"]?.AsObject() ?? new JsonObject())
            {
                sample[name] = Sample(document, property, depth + 1);
            }

            return sample;
        }

        return types switch
        {
            _ when types.Contains("array") => new JsonArray(Sample(document, schema["items"], depth + 1)),
            _ when types.Contains("integer") || types.Contains("number") => JsonValue.Create(1),
            _ when types.Contains("boolean") => JsonValue.Create(true),
            _ when types.Contains("string") => schema["format"]?.GetValue<string>() switch
            {
                "uuid" => JsonValue.Create(Guid.NewGuid().ToString()),
                "date-time" => JsonValue.Create("2030-01-01T00:00:00Z"),
                "date" => JsonValue.Create("2030-01-01"),
                _ => JsonValue.Create("x1"),
            },
            _ => new JsonObject(),
        };
    }

    /// <summary>Follows $ref and picks the non-null branch of a nullable's oneOf/anyOf.</summary>
    private static JsonNode Resolve(JsonNode document, JsonNode schema)
    {
        for (var i = 0; i < 10; i++)
        {
            if (schema["$ref"]?.GetValue<string>() is { } reference)
            {
                schema = reference.TrimStart('#', '/').Split('/').Aggregate((JsonNode?)document, (node, part) => node?[part])
                         ?? throw new InvalidOperationException($"Unresolvable {reference}");
            }
            else if ((schema["oneOf"] ?? schema["anyOf"]) is JsonArray branches
                     && branches.FirstOrDefault(b => b is not null && !Types(b).SequenceEqual(["null"])) is { } branch)
            {
                schema = branch;
            }
            else
            {
                break;
            }
        }

        return schema;
    }

    private static string[] Types(JsonNode schema) => schema["type"] switch
    {
        JsonArray many => [.. many.Select(t => t!.GetValue<string>())],
        JsonValue one => [one.GetValue<string>()],
        _ => [],
    };

    private static JsonNode Collection(bool isMap, int count, Func<int, JsonNode?> element)
    {
        if (!isMap)
        {
            return new JsonArray([.. Enumerable.Range(0, count).Select(element)]);
        }

        var map = new JsonObject();
        for (var i = 0; i < count; i++)
        {
            map[i == 0 ? "k" : $"k{i}"] = element(i);
        }

        return map;
    }

    private static void Replace(JsonNode body, List<string> path, JsonNode value)
    {
        var parent = body;
        foreach (var step in path.Take(path.Count - 1))
        {
            parent = parent[step] ??= new JsonObject();
        }

        if (path.Count == 0)
        {
            throw new InvalidOperationException("A body that is itself an array is not generated.");
        }

        parent[path[^1]] = value;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\{([^}:?]+)[^}]*\}")]
    private static partial System.Text.RegularExpressions.Regex ParameterPlaceholder();

    private sealed record BodyOperation(string DocumentName, string Method, string Path, string Url, JsonNode Document, JsonNode Schema)
    {
        public override string ToString() => $"{Method} {Path}";
    }
}
