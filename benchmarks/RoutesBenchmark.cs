using System.Diagnostics;
using Commerce.Delivery.Routing;

namespace Commerce.Benchmarks;

/// <summary>
/// Delivery's route optimiser alone (no host, no database): stops at random ZIP+4 codes of one postal district, placed by
/// Delivery's postal geometry, toured from the district's depot. Prints the naive tour (the order the shipments
/// arrived in), nearest neighbour, and nearest neighbour + 2-opt, with the time each took (best of a few runs), and
/// what splitting into routes of at most 150 stops (the planner's default) costs.
/// </summary>
internal static class RoutesBenchmark
{
    public static void Run(int[] sizes, int seed)
    {
        const string region = "US-94";
        var depot = PostalGeometry.Depot(region);
        Console.WriteLine($"region {region}, depot ({depot.X:F1}, {depot.Y:F1}) km, seed {seed}");
        Console.WriteLine($"{"stops",6} {"naive km",10} {"NN km",9} {"NN+2opt km",11} {"saved",7} {"NN ms",8} {"2-opt ms",9} {"passes",7} {"split@150 km",13} {"routes",7}");
        foreach (var size in sizes)
        {
            var random = new Random(seed + size);
            var stops = Enumerable.Range(0, size)
                .Select(_ => PostalGeometry.Locate($"94{random.Next(1000):D3}{random.Next(10000):D4}"))
                .ToList();
            var naive = RouteOptimizer.TourLength(depot, stops, [.. Enumerable.Range(0, size)]);

            int[] nearest = [];
            var nearestTime = Best(() => nearest = RouteOptimizer.NearestNeighbour(depot, stops));
            int[] optimised = [];
            var passes = 0;
            var twoOptTime = Best(() =>
            {
                optimised = (int[])nearest.Clone();
                passes = RouteOptimizer.TwoOpt(depot, stops, optimised);
            });
            var nearestKm = RouteOptimizer.TourLength(depot, stops, nearest);
            var optimisedKm = RouteOptimizer.TourLength(depot, stops, optimised);

            var groups = RouteOptimizer.Sweep(depot, stops, 150);
            var splitKm = groups.Sum(g =>
            {
                var points = g.Select(i => stops[i]).ToList();
                return RouteOptimizer.TourLength(depot, points, RouteOptimizer.Optimize(depot, points));
            });

            Console.WriteLine(
                $"{size,6} {naive,10:F0} {nearestKm,9:F0} {optimisedKm,11:F0} {1 - (optimisedKm / naive),7:P0} {nearestTime.TotalMilliseconds,8:F1} " +
                $"{twoOptTime.TotalMilliseconds,9:F1} {passes,7} {splitKm,13:F0} {groups.Count,7}");
        }
    }

    private static TimeSpan Best(Action run)
    {
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            run();
            best = watch.Elapsed < best ? watch.Elapsed : best;
        }

        return best;
    }
}
