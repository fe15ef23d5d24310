using System.CommandLine;
using System.Text.Json;

namespace Commerce.Cli;

/// <summary>Where a command writes: a table for people, or JSON (with --json) for scripts.</summary>
internal sealed class CommandOutput(ParseResult parseResult)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public bool IsJson { get; } = parseResult.GetValue(CommerceCommand.Json);

    private TextWriter Out => parseResult.InvocationConfiguration.Output;

    public void Line(string text = "") => Out.WriteLine(text);

    public void Error(string text) => parseResult.InvocationConfiguration.Error.WriteLine(text);

    public void WriteJson<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>Left-aligned columns as wide as their widest cell.</summary>
    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.Prepend(headers).ToList();
        var widths = headers.Select((_, column) => all.Max(row => row[column].Length)).ToArray();
        foreach (var row in all)
        {
            Out.WriteLine(string.Join("  ", row.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd());
        }
    }
}
