namespace Commerce.Delivery.Routing;

/// <summary>
/// Orders a route's stops: a closed tour from the depot through every stop and back, over straight-line kilometres.
/// Nearest neighbour builds a first tour (from the depot, always the closest stop not yet visited, ties to the lower
/// index), then 2-opt improves it (reverse the stretch between two edges whenever that shortens the tour) until a whole
/// pass finds no improving move or <see cref="DefaultMaxPasses"/> passes have run. Pure and deterministic: the same
/// stops in the same order always give the same tour.
/// </summary>
public static class RouteOptimizer
{
    /// <summary>Enough for the tours planning makes (a few hundred stops settle in well under this); a bound, not a target.</summary>
    public const int DefaultMaxPasses = 200;

    /// <summary>A move must save more than this (km) to count, so rounding cannot make 2-opt cycle.</summary>
    private const double Epsilon = 1e-9;

    /// <summary>The optimised visiting order: indices into <paramref name="stops"/>.</summary>
    public static int[] Optimize(Point depot, IReadOnlyList<Point> stops, int maxPasses = DefaultMaxPasses)
    {
        var order = NearestNeighbour(depot, stops);
        TwoOpt(depot, stops, order, maxPasses);
        return order;
    }

    /// <summary>Depot → stops in <paramref name="order"/> → depot, in km.</summary>
    public static double TourLength(Point depot, IReadOnlyList<Point> stops, IReadOnlyList<int> order)
    {
        ArgumentNullException.ThrowIfNull(stops);
        ArgumentNullException.ThrowIfNull(order);
        if (order.Count == 0)
        {
            return 0;
        }

        var length = depot.DistanceTo(stops[order[0]]) + stops[order[^1]].DistanceTo(depot);
        for (var i = 1; i < order.Count; i++)
        {
            length += stops[order[i - 1]].DistanceTo(stops[order[i]]);
        }

        return length;
    }

    public static int[] NearestNeighbour(Point depot, IReadOnlyList<Point> stops)
    {
        ArgumentNullException.ThrowIfNull(stops);
        var visited = new bool[stops.Count];
        var order = new int[stops.Count];
        var at = depot;
        for (var step = 0; step < stops.Count; step++)
        {
            var (next, best) = (-1, double.MaxValue);
            for (var i = 0; i < stops.Count; i++)
            {
                var distance = visited[i] ? double.MaxValue : at.DistanceTo(stops[i]);
                if (distance < best)
                {
                    (next, best) = (i, distance);
                }
            }

            visited[next] = true;
            order[step] = next;
            at = stops[next];
        }

        return order;
    }

    /// <summary>Improves <paramref name="order"/> in place; returns the passes run (the last one found nothing, unless capped).</summary>
    public static int TwoOpt(Point depot, IReadOnlyList<Point> stops, int[] order, int maxPasses = DefaultMaxPasses)
    {
        ArgumentNullException.ThrowIfNull(stops);
        ArgumentNullException.ThrowIfNull(order);
        // The tour as nodes: 0 is the depot (never moved), node k + 1 is stop order[k].
        var n = order.Length + 1;
        var tour = new Point[n];
        tour[0] = depot;
        for (var k = 0; k < order.Length; k++)
        {
            tour[k + 1] = stops[order[k]];
        }

        var passes = 0;
        var improved = true;
        while (improved && passes < maxPasses)
        {
            improved = false;
            passes++;
            for (var i = 0; i < n - 2; i++)
            {
                for (var j = i + 2; j < n; j++)
                {
                    // Edges (i, i+1) and (j, j+1) become (i, j) and (i+1, j+1) by reversing i+1..j.
                    var a = tour[i];
                    var b = tour[i + 1];
                    var c = tour[j];
                    var d = tour[(j + 1) % n];
                    var delta = a.DistanceTo(c) + b.DistanceTo(d) - a.DistanceTo(b) - c.DistanceTo(d);
                    if (delta < -Epsilon)
                    {
                        Array.Reverse(tour, i + 1, j - i);
                        Array.Reverse(order, i, j - i);
                        improved = true;
                    }
                }
            }
        }

        return passes;
    }

    /// <summary>
    /// Splits a region's stops into groups of at most <paramref name="maxStops"/> by an angular sweep around the depot:
    /// stops sorted by bearing, starting after the widest empty wedge (so no cluster is cut there), cut into as few
    /// near-equal runs as the cap allows. Each group is a slice of the map, which keeps every route compact.
    /// </summary>
    public static List<int[]> Sweep(Point depot, IReadOnlyList<Point> stops, int maxStops)
    {
        ArgumentNullException.ThrowIfNull(stops);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStops, 1);
        if (stops.Count <= maxStops)
        {
            return [[.. Enumerable.Range(0, stops.Count)]];
        }

        var byBearing = Enumerable.Range(0, stops.Count)
            .Select(i => (Index: i, Bearing: Math.Atan2(stops[i].Y - depot.Y, stops[i].X - depot.X)))
            .OrderBy(s => s.Bearing).ThenBy(s => s.Index)
            .ToArray();
        var start = 0;
        var widest = (2 * Math.PI) - (byBearing[^1].Bearing - byBearing[0].Bearing);
        for (var i = 1; i < byBearing.Length; i++)
        {
            if (byBearing[i].Bearing - byBearing[i - 1].Bearing > widest)
            {
                (start, widest) = (i, byBearing[i].Bearing - byBearing[i - 1].Bearing);
            }
        }

        var sweep = byBearing[start..].Concat(byBearing[..start]).Select(s => s.Index).ToArray();
        var groups = (sweep.Length + maxStops - 1) / maxStops;
        return [.. Enumerable.Range(0, groups).Select(g => sweep[(g * sweep.Length / groups)..((g + 1) * sweep.Length / groups)])];
    }
}
