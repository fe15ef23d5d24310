using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Commerce.Host;
using Commerce.Host.Testing;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Commerce.Testing;
using Commerce.Workflows.OrderSaga;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Commerce.Architecture.Tests;

/// <summary>
/// The event web is data (architecture decision 10): services/event-flows.json lists every flow of the specification
/// and every cache, and these tests hold the code to it. A flow without its handler, saga step, relay or call fails;
/// so does a handler the table lacks, a flow whose proving test is gone, a cache the table does not list, a cache
/// whose named reader no longer reads it, and a cache that does not declare how long its copies live. The README's flow
/// list is rendered from the table and the declared lifetimes, never written by hand.
/// </summary>
public sealed class EventFlowTests : IAsyncLifetime
{
    private const string ReadmeBegin = "<!-- event-flows:begin (rendered from services/event-flows.json by EventFlowTests) -->";
    private const string ReadmeEnd = "<!-- event-flows:end -->";

    private static readonly FlowTable Table = FlowTable.Load(Path.Combine(Repository.Root, "services", "event-flows.json"));

    private readonly PostgresDatabase<CommerceTemplate> database = new();
    private CommerceHostFactory host = null!;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        host = new CommerceHostFactory(database.ConnectionString, HostedContexts.Everything(withSagaWorker: false)).Start();
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public void EveryHandlerAndRelay_IsAFlowOfTheTable_AndEveryTableFlowHasOne()
    {
        var registrations = host.Services.GetServices<CommerceContextRegistration>().ToList();
        var handled = registrations
            .SelectMany(r => r.Handles.Select(h => Key(h.Publisher, h.EventType, r.Name, "handler")))
            .ToHashSet(StringComparer.Ordinal);
        var hosted = registrations.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        // Configured subscriptions of processes that are not contexts (Checkout relays ShipmentDelivered to the saga).
        var relayed = host.Services.GetRequiredService<IOptions<OutboxOptions>>().Value.Subscriptions
            .Where(s => !hosted.Contains(s.Key))
            .SelectMany(s => s.Value.SelectMany(p => p.Value.Select(type => Key(p.Key, type, s.Key, "relay"))))
            .ToHashSet(StringComparer.Ordinal);
        var declared = Table.Flows.Where(f => f.By is "handler" or "relay")
            .Select(f => Key(f.Publisher, f.Event, f.Subscriber, f.By))
            .ToHashSet(StringComparer.Ordinal);

        Assert.True(handled.Count > 50, $"only {handled.Count} handlers found: the enumeration is broken");
        AssertNone("Flows of the table that no handler or relay realises", declared.Except(handled).Except(relayed));
        AssertNone("Handlers and relays the table lacks", handled.Concat(relayed).Except(declared));
    }

    [Fact]
    public void EveryFlowRealisedByOrchestration_NamesAStepOrCallThatExists()
    {
        var steps = typeof(SagaSteps).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);
        var contracts = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name!.EndsWith(".Contracts", StringComparison.Ordinal))
            .SelectMany(a => a.GetExportedTypes()).Where(t => t.IsInterface)
            .ToDictionary(t => t.Name, StringComparer.Ordinal);

        var missing = new List<string>();
        foreach (var flow in Table.Flows.Where(f => f.By is not ("handler" or "relay")))
        {
            var found = flow.By.Split(':', 2) switch
            {
                ["saga", var step] => steps.Contains(step),
                ["call", var call] when call.Split('.') is [var api, var method] =>
                    contracts.TryGetValue(api, out var type) && type.GetMethod(method) is not null,
                _ => false,
            };
            if (!found)
            {
                missing.Add($"{flow}: no {flow.By}");
            }
        }

        AssertNone("Flows whose saga step or call does not exist", missing);
    }

    [Fact]
    public void EveryFlow_NamesTheEndToEndTestThatProvesIt_AndTheTestExists()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(Repository.Root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Select(File.ReadAllText)
            .ToList();
        var missing = Table.Flows
            .Where(f => f.Test is not { } test
                || test.Split('.') is not [var type, var method]
                || !sources.Any(source => Regex.IsMatch(source, $@"\bclass {type}\b") && Regex.IsMatch(source, $@"\b(?:Task|void) {method}\(")))
            .Select(f => $"{f}: test {f.Test ?? "(none)"}")
            .ToList();

        AssertNone("Flows without an existing end-to-end test", missing);
    }

    [Fact]
    public void EveryCacheOfEveryContext_IsInTheTable_AndReadWhereTheTableSays()
    {
        var problems = new List<string>();
        var listed = Table.Caches.ToDictionary(c => $"{c.Context}/{c.Cache}", StringComparer.Ordinal);
        using var scope = host.Services.CreateScope();
        foreach (var registration in host.Services.GetServices<CommerceContextRegistration>())
        {
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(registration.DbContextType);
            var copies = db.Model.GetEntityTypes().Select(e => e.ClrType)
                .Where(type => type.IsAssignableTo(typeof(ICachedCopy)) || listed.ContainsKey($"{registration.Name}/{type.Name}"));
            foreach (var copy in copies)
            {
                if (!listed.Remove($"{registration.Name}/{copy.Name}", out var cache))
                {
                    problems.Add($"{registration.Name}/{copy.Name}: a cache the table does not list");
                    continue;
                }

                var set = registration.DbContextType.GetProperties()
                    .Single(p => p.PropertyType == typeof(DbSet<>).MakeGenericType(copy)).Name;
                if (ReaderProblem(registration.Name, cache, set) is { } problem)
                {
                    problems.Add($"{registration.Name}/{copy.Name}: {problem}");
                }
            }
        }

        problems.AddRange(listed.Keys.Select(key => $"{key}: listed, but no such entity in the context's model"));
        AssertNone("Caches", problems);
    }

    [Fact]
    public void EveryCache_DeclaresHowLongItsCopiesAreKept_AndEveryCopyKnowsWhenItWasLastRefreshed()
    {
        var problems = new List<string>();
        var lifetimes = CacheLifetimes();
        var listed = Table.Caches.Select(c => $"{c.Context}/{c.Cache}").ToHashSet(StringComparer.Ordinal);
        using var scope = host.Services.CreateScope();
        foreach (var registration in host.Services.GetServices<CommerceContextRegistration>())
        {
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(registration.DbContextType);
            foreach (var entity in db.Model.GetEntityTypes())
            {
                var key = $"{registration.Name}/{entity.ClrType.Name}";
                var isCopy = entity.ClrType.IsAssignableTo(typeof(ICachedCopy));
                if ((isCopy || listed.Contains(key)) && !lifetimes.ContainsKey(key))
                {
                    problems.Add($"{key}: declares neither ExpireCachedCopies nor KeepCachedCopies");
                }

                if (isCopy && entity.FindProperty(CachedCopies.RefreshedAt)?.GetDefaultValueSql() != "now()")
                {
                    problems.Add($"{key}: no {CachedCopies.RefreshedAt} defaulting to now() (AddCacheRefreshTimes before UseSnakeCaseNames)");
                }
            }
        }

        problems.AddRange(lifetimes.Keys.Where(key => !listed.Contains(key))
            .Select(key => $"{key}: a lifetime for a cache the table does not list"));
        AssertNone("Cache lifetimes", problems);
    }

    [Fact]
    public void Readme_ListsTheFlowsAsTheTableHasThem()
    {
        var path = Path.Combine(Repository.Root, "README.md");
        var readme = File.ReadAllText(path).ReplaceLineEndings("\n");
        var begin = readme.IndexOf(ReadmeBegin, StringComparison.Ordinal);
        var end = readme.IndexOf(ReadmeEnd, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"README.md has no {ReadmeBegin} … {ReadmeEnd} section");

        var rendered = ReadmeBegin + "\n" + Render(Table, CacheLifetimes()) + ReadmeEnd;
        var current = readme[begin..(end + ReadmeEnd.Length)];
        if (current != rendered && Environment.GetEnvironmentVariable("COMMERCE_RENDER_README") == "1")
        {
            File.WriteAllText(path, readme.Replace(current, rendered, StringComparison.Ordinal));
            return;
        }

        Assert.True(current == rendered,
            "README.md's flow list differs from services/event-flows.json: render it with "
            + "COMMERCE_RENDER_README=1 dotnet test tests/Architecture.Tests -c Release --filter Readme_");
    }

    /// <summary>Each cache's lifetime as its context declares it, by "Context/Entity".</summary>
    private Dictionary<string, string> CacheLifetimes() => host.Services.GetServices<CommerceContextRegistration>()
        .SelectMany(r => r.CachedCopyLifetimes.Select(l => (Key: $"{r.Name}/{l.Key.Name}", l.Value)))
        .ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);

    private static void AssertNone(string what, IEnumerable<string> problems)
    {
        var list = problems.Order(StringComparer.Ordinal).ToList();
        Assert.True(list.Count == 0, $"{what} ({list.Count}):\n" + string.Join("\n", list));
    }

    private static string Key(string publisher, string type, string subscriber, string by) => $"{publisher}/{type} -> {subscriber} ({by})";

    /// <summary>
    /// What is wrong with the cache's reader, if anything: the table names a method of the context ("file#Method")
    /// that answers an API or decides something by the cache, and its body must use the cache's DbSet.
    /// </summary>
    private static string? ReaderProblem(string context, FlowTable.CacheLine cache, string set)
    {
        if (cache.ReadBy?.Split('#') is not [var file, var method])
        {
            return "the table names no reader (readBy \"file#Method\")";
        }

        var path = Path.Combine(Repository.Root, "services", context, file);
        if (!File.Exists(path))
        {
            return $"reader file {file} does not exist";
        }

        var body = MethodBody(File.ReadAllText(path), method);
        if (body is null)
        {
            return $"{file} has no method {method}";
        }

        return Regex.IsMatch(body, $@"\.{set}\b") ? null : $"{file}#{method} does not read db.{set}";
    }

    /// <summary>The text of the first declaration of <paramref name="method"/> up to its closing brace or, for an expression body, its semicolon.</summary>
    private static string? MethodBody(string source, string method)
    {
        var declaration = Regex.Match(source, $@"^\s*(?:(?:public|private|internal|protected|static|async|override)\s+)+[^=;{{]*?\b{method}\s*(?:<[^>]*>)?\(",
            RegexOptions.Multiline);
        if (!declaration.Success)
        {
            return null;
        }

        var depth = 0;
        for (var i = declaration.Index; i < source.Length; i++)
        {
            switch (source[i])
            {
                case '{' or '(':
                    depth++;
                    break;
                case '}' or ')':
                    depth--;
                    if (depth == 0 && source[i] == '}')
                    {
                        return source[declaration.Index..(i + 1)];
                    }

                    break;
                case ';' when depth == 0:
                    return source[declaration.Index..(i + 1)];
            }
        }

        return null;
    }

    internal static string Render(FlowTable table, IReadOnlyDictionary<string, string> lifetimes)
    {
        var text = new StringBuilder();
        text.AppendLine()
            .AppendLine("| Publisher | Event | Subscriber | By | What the subscriber does |")
            .AppendLine("|---|---|---|---|---|");
        foreach (var flow in table.Flows)
        {
            text.AppendLine($"| {flow.Publisher} | `{flow.Event}` | {flow.Subscriber} | {By(flow.By)} | {flow.Does} |");
        }

        text.AppendLine()
            .AppendLine("| Context | Caches (entity) | From | Fields | Shown at | How long copies live |")
            .AppendLine("|---|---|---|---|---|---|");
        foreach (var cache in table.Caches)
        {
            var lifetime = lifetimes.GetValueOrDefault($"{cache.Context}/{cache.Cache}", "(not declared)");
            text.AppendLine($"| {cache.Context} | `{cache.Cache}` | {cache.Owner} | {cache.Fields} | {cache.ShownAt} | {lifetime} |");
        }

        return text.AppendLine().ToString();

        static string By(string by) => by.Split(':', 2) switch
        {
            ["saga", var step] => $"saga step `{step}`",
            ["call", var call] => $"call `{call}`",
            _ => by,
        };
    }

    /// <summary>services/event-flows.json as records.</summary>
    internal sealed record FlowTable(IReadOnlyList<FlowTable.FlowLine> Flows, IReadOnlyList<FlowTable.CacheLine> Caches)
    {
        public static FlowTable Load(string path) =>
            JsonSerializer.Deserialize<FlowTable>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

        public sealed record FlowLine(string Publisher, string Event, string Subscriber, string By, string Does, string? Test)
        {
            public override string ToString() => $"{Publisher}/{Event} -> {Subscriber}";
        }

        public sealed record CacheLine(string Context, string Cache, string Owner, string Fields, string? ReadBy, string ShownAt);
    }
}
