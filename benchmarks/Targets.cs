namespace Commerce.Benchmarks;

/// <summary>
/// The run's summary: every target of issue 15 the run measured, with its figure and met or MISSED, printed as one
/// block at the end so a run's verdict is read in one place (the sections above it explain the figures).
/// </summary>
internal sealed class Targets(string run)
{
    private readonly List<(string Verdict, string Name, string Target, string Measured)> rows = [];
    private readonly string loadAtStart = Machine.LoadAverage();

    /// <summary>A target: <paramref name="shortfall"/> says by how much it was missed.</summary>
    public void Add(string name, string target, string measured, bool met, string shortfall) =>
        rows.Add((met ? "met" : "MISSED", name, target, met ? measured : $"{measured}; {shortfall}"));

    /// <summary>A figure printed beside the targets that has none of its own.</summary>
    public void Info(string name, string measured) => rows.Add(("", name, "", measured));

    public void Print()
    {
        var nameWidth = rows.Max(r => r.Name.Length);
        var targetWidth = rows.Max(r => r.Target.Length);
        Console.WriteLine();
        Console.WriteLine($"summary of {run} ({Environment.ProcessorCount} cores; load average {loadAtStart} at the start of the run, "
                          + $"{Machine.LoadAverage()} now)");
        foreach (var (verdict, name, target, measured) in rows)
        {
            Console.WriteLine($"  {verdict,-6}  {name.PadRight(nameWidth)}  {target.PadRight(targetWidth)}  {measured}");
        }
    }

    /// <summary>The smallest value with at least <paramref name="percentile"/> % of <paramref name="sorted"/> at or below it.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double percentile) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
