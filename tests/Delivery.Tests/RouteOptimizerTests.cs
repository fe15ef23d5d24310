using Commerce.Delivery.Routing;

namespace Commerce.Delivery.Tests;

/// <summary>The optimiser and the postal geometry are pure: tested without a host.</summary>
public sealed class RouteOptimizerTests
{
    private static readonly Point Depot = new(500, 500);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void TwoOpt_AnyStartingTour_NeverLengthensIt(int seed)
    {
        var random = new Random(seed);
        var stops = RandomStops(random, 60);
        var order = Enumerable.Range(0, stops.Count).OrderBy(_ => random.Next()).ToArray();
        var before = RouteOptimizer.TourLength(Depot, stops, order);

        RouteOptimizer.TwoOpt(Depot, stops, order);

        Assert.True(RouteOptimizer.TourLength(Depot, stops, order) <= before + 1e-9);
        Assert.Equal(Enumerable.Range(0, stops.Count), order.Order());
    }

    /// <summary>Points on a circle (the depot one of them): the optimal tour goes round the circle, and 2-opt finds it.</summary>
    [Fact]
    public void Optimize_PointsOnACircle_FindsTheOptimalTour()
    {
        const int count = 24;
        var onCircle = Enumerable.Range(0, count)
            .Select(k => new Point(100 + (50 * Math.Cos(2 * Math.PI * k / count)), 100 + (50 * Math.Sin(2 * Math.PI * k / count))))
            .ToList();
        var depot = onCircle[0];
        var stops = onCircle.Skip(1).OrderBy(p => (p.X * 7919) % 13).ToList(); // shuffled, deterministically
        var optimal = count * 2 * 50 * Math.Sin(Math.PI / count);

        var order = RouteOptimizer.Optimize(depot, stops);

        Assert.Equal(optimal, RouteOptimizer.TourLength(depot, stops, order), 6);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(500)]
    public void Optimize_HundredsOfRandomStops_IsMuchShorterThanTheNaiveOrder(int count)
    {
        var stops = RandomStops(new Random(count), count);
        var naive = RouteOptimizer.TourLength(Depot, stops, [.. Enumerable.Range(0, count)]);
        var nearestNeighbour = RouteOptimizer.TourLength(Depot, stops, RouteOptimizer.NearestNeighbour(Depot, stops));

        var optimised = RouteOptimizer.TourLength(Depot, stops, RouteOptimizer.Optimize(Depot, stops));

        Assert.True(optimised < naive / 5, $"optimised {optimised:F0} km, naive {naive:F0} km");
        Assert.True(optimised <= nearestNeighbour, $"optimised {optimised:F0} km, nearest neighbour {nearestNeighbour:F0} km");
    }

    [Fact]
    public void Optimize_SameStops_SameTour()
    {
        var stops = RandomStops(new Random(7), 200);

        Assert.Equal(RouteOptimizer.Optimize(Depot, stops), RouteOptimizer.Optimize(Depot, stops));
    }

    [Fact]
    public void Sweep_MoreStopsThanARouteTakes_SplitsIntoNearEqualGroupsCoveringEveryStopOnce()
    {
        var stops = RandomStops(new Random(11), 320);

        var groups = RouteOptimizer.Sweep(Depot, stops, 150);

        Assert.Equal(3, groups.Count);
        Assert.All(groups, g => Assert.InRange(g.Length, 106, 107));
        Assert.Equal(Enumerable.Range(0, stops.Count), groups.SelectMany(g => g).Order());
        Assert.Single(RouteOptimizer.Sweep(Depot, stops, 320));
    }

    [Fact]
    public void Locate_SameCodeWrittenDifferently_SamePoint()
    {
        Assert.Equal(PostalGeometry.Locate("N1 9GU"), PostalGeometry.Locate("n1-9gu"));
        Assert.Equal(PostalGeometry.Locate("94107"), PostalGeometry.Locate("94107"));
        Assert.Equal("GB-N1", PostalGeometry.RegionOf("GB", "n1 9gu"));
        Assert.Equal("US-94", PostalGeometry.RegionOf("US", "94107-1234"));
    }

    [Fact]
    public void Locate_NearbyCodes_LandCloserThanOtherDistricts()
    {
        var here = PostalGeometry.Locate("94107");
        var nextDoor = PostalGeometry.Locate("94108");
        var sameDistrict = PostalGeometry.Locate("94301");
        var farAway = PostalGeometry.Locate("10001");

        Assert.True(here.DistanceTo(nextDoor) < 5, $"{here.DistanceTo(nextDoor)} km");
        Assert.True(here.DistanceTo(sameDistrict) < here.DistanceTo(farAway));
        Assert.All(new[] { here, nextDoor, sameDistrict, farAway }, p =>
        {
            Assert.InRange(p.X, 0, PostalGeometry.CountrySideKm);
            Assert.InRange(p.Y, 0, PostalGeometry.CountrySideKm);
        });
    }

    [Fact]
    public void Depot_OfARegion_LiesAmongItsCodes()
    {
        var depot = PostalGeometry.Depot("US-94");
        var codes = Enumerable.Range(0, 1000).Select(i => PostalGeometry.Locate($"94{i:D3}")).ToList();
        var farthest = codes.Max(depot.DistanceTo);

        Assert.True(farthest < 200, $"{farthest} km");
        Assert.True(codes.Min(depot.DistanceTo) < PostalGeometry.Depot("US-10").DistanceTo(depot));
    }

    private static List<Point> RandomStops(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => new Point(random.NextDouble() * 1000, random.NextDouble() * 1000))];
}
