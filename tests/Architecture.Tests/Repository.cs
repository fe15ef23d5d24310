using System.Xml.Linq;

namespace Commerce.Architecture.Tests;

/// <summary>The repository the tests were built from: its root and its projects.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>Every project file, relative to <see cref="Root"/> (build output and .local/ state left out).</summary>
    public static IEnumerable<string> Projects()
    {
        string[] skipped = ["bin", "obj", ".local"];
        return Directory.EnumerateFiles(Root, "*.csproj", SearchOption.AllDirectories)
            .Select(project => Path.GetRelativePath(Root, project))
            .Where(project => !project.Split(Path.DirectorySeparatorChar).Any(part => skipped.Contains(part)))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>services/X folders that are contexts or processes (not the host, the shared defaults and rules, or a contracts project).</summary>
    public static IEnumerable<string> ContextFolders() => Directory.GetDirectories(Path.Combine(Root, "services"))
        .Select(path => Path.GetFileName(path))
        .Where(name => name is not ("Host" or "ServiceDefaults" or "Rules") && !name.EndsWith(".Contracts", StringComparison.Ordinal))
        .Where(name => File.Exists(Path.Combine(Root, "services", name, $"Commerce.{name}.csproj")))
        .Order(StringComparer.Ordinal);

    /// <summary>The projects <paramref name="project"/> references, relative to <see cref="Root"/>.</summary>
    public static IEnumerable<string> ReferencesOf(string project)
    {
        var path = Path.Combine(Root, project);
        return XDocument.Load(path).Descendants("ProjectReference")
            .Select(r => r.Attribute("Include")!.Value.Replace('\\', Path.DirectorySeparatorChar))
            .Select(include => Path.GetRelativePath(Root, Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, include))));
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Commerce.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Commerce.sln not found above the test binaries.");
    }
}
