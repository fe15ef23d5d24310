using Commerce.Host;

namespace Commerce.Architecture.Tests;

/// <summary>Where things live: tests/ holds test suites and their support, and the host knows every context.</summary>
public sealed class LayoutTests
{
    [Fact]
    public void TestsFolder_HoldsOnlyTestSuitesAndLibrariesTheyUse()
    {
        var tests = Repository.Projects().Where(p => p.StartsWith("tests" + Path.DirectorySeparatorChar, StringComparison.Ordinal)).ToList();
        var suites = tests.Where(p => Path.GetFileNameWithoutExtension(p).EndsWith(".Tests", StringComparison.Ordinal)).ToList();
        var usedBySuites = suites.SelectMany(Repository.ReferencesOf).ToHashSet(StringComparer.Ordinal);
        var supportOfSupport = usedBySuites.SelectMany(Repository.ReferencesOf).ToHashSet(StringComparer.Ordinal);

        var strays = tests.Except(suites).Where(p => !usedBySuites.Contains(p) && !supportOfSupport.Contains(p)).ToList();

        Assert.True(strays.Count == 0,
            $"Not test suites and used by none: {string.Join(", ", strays)}. Tools and benchmarks live in tools/ and benchmarks/.");
    }

    [Fact]
    public void Host_KnowsEveryContextProjectUnderServices()
    {
        var folders = Repository.ContextFolders();

        var hosted = HostedContexts.All.Concat(HostedContexts.Processes).Select(c => c.Name)
            .Where(name => name != HostedContexts.SagaWorker)
            .Order(StringComparer.Ordinal);

        Assert.Equal(folders, hosted);
    }
}
