using Commerce.Host.Testing;
using Commerce.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Architecture.Tests;

/// <summary>
/// A context's implementation (and so its DbContext) is private to it: other projects may use only its
/// dependency-free *.Contracts project. The composition root and the tests are the exceptions.
/// </summary>
public sealed class ProjectReferenceTests
{
    /// <summary>services/X folders that are contexts (not the host, the shared defaults or a contracts project).</summary>
    private static readonly HashSet<string> Contexts = Repository.ContextFolders().ToHashSet(StringComparer.Ordinal);

    public static TheoryData<string> Projects() => [.. Repository.Projects()];

    [Theory]
    [MemberData(nameof(Projects))]
    public void Project_ReferencesNoOtherContextsImplementation(string project)
    {
        var folder = Path.GetDirectoryName(project)!;
        var owner = OwningContext(folder);
        var referenced = Repository.ReferencesOf(project).ToList();

        var forbidden = referenced
            .Select(r => (Reference: r, Context: ContextOf(r)))
            .Where(r => r.Context is not null && r.Context != owner && !MayComposeContexts(folder))
            .Select(r => r.Reference)
            .ToList();

        Assert.True(forbidden.Count == 0,
            $"{project} references another context's implementation: {string.Join(", ", forbidden)}. Reference its *.Contracts project instead.");

        if (folder.StartsWith("services", StringComparison.Ordinal)
            && (folder.EndsWith(".Contracts", StringComparison.Ordinal) || folder == Path.Combine("services", "Rules")))
        {
            Assert.True(referenced.Count == 0, $"{project} is shared by every side and must stay dependency-free: {string.Join(", ", referenced)}");
        }
    }

    [Fact]
    public void ContextAssemblies_ReferenceNoOtherContextsImplementation()
    {
        using var app = CommerceTemplate.BuildHost("Host=localhost;Username=postgres;Database=none");
        var assemblies = app.Services.GetServices<CommerceContextRegistration>()
            .ToDictionary(r => r.DbContextType.Assembly.GetName().Name!, r => r.DbContextType.Assembly);

        Assert.NotEmpty(assemblies);
        foreach (var (name, assembly) in assemblies)
        {
            var offending = assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(a => a != name && assemblies.ContainsKey(a)).ToList();
            Assert.True(offending.Count == 0, $"{name} references {string.Join(", ", offending)}");
        }
    }

    /// <summary>The host composes contexts; architecture/host test helpers look at all of them.</summary>
    private static bool MayComposeContexts(string folder) =>
        folder == Path.Combine("services", "Host") || folder == Path.Combine("tests", "Architecture.Tests") || folder == Path.Combine("tests", "Host.Testing");

    /// <summary>services/Inventory → Inventory; tests/Inventory.Tests → Inventory (a context's own tests may use it).</summary>
    private static string? OwningContext(string folder)
    {
        var parts = folder.Split(Path.DirectorySeparatorChar);
        return parts is ["services", var name] && Contexts.Contains(name) ? name
            : parts is ["tests", var test] && test.EndsWith(".Tests", StringComparison.Ordinal) && Contexts.Contains(test[..^6]) ? test[..^6]
            : null;
    }

    private static string? ContextOf(string reference)
    {
        var parts = Path.GetDirectoryName(reference)!.Split(Path.DirectorySeparatorChar);
        return parts is ["services", var name] && Contexts.Contains(name) ? name : null;
    }
}
