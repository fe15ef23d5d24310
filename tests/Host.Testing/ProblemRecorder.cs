using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Commerce.Host.Testing;

/// <summary>One problem response the host sent: the operation (document, method, route) that answered it, and its status.</summary>
public sealed record ProblemAnswer(string? Document, string Method, string Route, int Status);

/// <summary>
/// Records, in the running host, every problem details response an operation actually sent — whatever produced it:
/// the handler's result, JSON binding, the body-size cap, the exception handler, a background delivery to an inbox.
/// <see cref="AssertDeclaredAsync"/> then holds the OpenAPI documents to those observations. A suite that drives
/// the API broadly (tests/BadInput.Tests) thereby fails on any route that starts answering a status its mapping
/// does not declare, without a list of expected statuses kept beside the code that could go stale.
/// </summary>
public sealed partial class ProblemRecorder
{
    private readonly ConcurrentQueue<ProblemAnswer> answers = new();
    private readonly ConcurrentDictionary<string, Task<Dictionary<string, HashSet<int>>>> documents = new(StringComparer.Ordinal);

    /// <summary>For <see cref="CommerceHostFactory"/>'s services: the recorder and its middleware, outermost.</summary>
    public static void AddTo(IServiceCollection services)
    {
        services.AddSingleton<ProblemRecorder>();
        services.AddSingleton<IStartupFilter, RecordingFilter>();
    }

    /// <summary>
    /// Fails on every problem recorded since the last call whose operation is in no OpenAPI document or does not
    /// declare that status. 500 is left out: it is a defect, never a declared answer.
    /// </summary>
    public async Task AssertDeclaredAsync(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var undeclared = new List<string>();
        while (answers.TryDequeue(out var answer))
        {
            if (answer.Document is null)
            {
                undeclared.Add($"{answer.Method} {answer.Route} answered {answer.Status} but is in no OpenAPI document");
                continue;
            }

            var operations = await documents.GetOrAdd(answer.Document, name => LoadAsync(client, name));
            if (!operations.TryGetValue(Key(answer.Method, answer.Route), out var statuses) || !statuses.Contains(answer.Status))
            {
                undeclared.Add($"{answer.Method} {answer.Route} answered {answer.Status}, which /openapi/{answer.Document}.json does not declare");
            }
        }

        Assert.True(undeclared.Count == 0, string.Join(Environment.NewLine, undeclared.Distinct(StringComparer.Ordinal)));
    }

    private void Record(HttpContext context)
    {
        var status = context.Response.StatusCode;
        if (status < 400 || status == StatusCodes.Status500InternalServerError
                         || context.Response.ContentType?.StartsWith("application/problem+json", StringComparison.Ordinal) != true)
        {
            return;
        }

        // The exception handler clears the endpoint before it writes the problem; its feature keeps the original.
        if ((context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint) is not RouteEndpoint endpoint
            || endpoint.RoutePattern.RawText is not { } route)
        {
            return; // no route matched (404, 405): no operation answered
        }

        var document = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IEndpointGroupNameMetadata>()?.EndpointGroupName;
        if (endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true })
        {
            document = null;
        }

        answers.Enqueue(new ProblemAnswer(document, context.Request.Method, route, status));
    }

    private static async Task<Dictionary<string, HashSet<int>>> LoadAsync(HttpClient client, string document)
    {
        using var json = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/openapi/{document}.json", UriKind.Relative)));
        var operations = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        foreach (var path in json.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Value.TryGetProperty("responses", out _)))
            {
                operations[Key(operation.Name, path.Name)] = [.. operation.Value.GetProperty("responses").EnumerateObject()
                    .Select(r => int.TryParse(r.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0)];
            }
        }

        return operations;
    }

    /// <summary>"POST /customers/{id}": a route's parameters lose their constraints, as in the OpenAPI paths.</summary>
    public static string Key(string method, string route) =>
        $"{method.ToUpperInvariant()} /{RouteConstraint().Replace(route, "}").Trim('/')}";

    [GeneratedRegex(@"(:[^}]*)?\??\}")]
    private static partial Regex RouteConstraint();

    private sealed class RecordingFilter(ProblemRecorder recorder) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, call) =>
            {
                await call(context);
                recorder.Record(context);
            });
            next(app);
        };
    }
}
