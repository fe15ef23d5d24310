namespace Commerce.Delivery.Routing;

/// <summary>A point on a country's plane, in kilometres.</summary>
public readonly record struct Point(double X, double Y)
{
    public double DistanceTo(Point other) => Math.Sqrt(((X - other.X) * (X - other.X)) + ((Y - other.Y) * (Y - other.Y)));
}

/// <summary>
/// Places postal codes on a plane, deterministically, without a geocoder.
/// <para>
/// Every country is a square of <see cref="CountrySideKm"/> km, walked by a Hilbert curve of 1024 × 1024 cells. A
/// normalised code (upper case, letters and digits only) becomes a position along that curve: its first two characters
/// (the <em>district</em>) pick one of 100 equal spans of the curve, the rest picks the place inside the span. For an
/// all-digit code that is the number read as a decimal fraction ("94107" → 0.94107), so codes that are close in
/// number are close on the curve; for any other code the district and the rest are hashed (FNV-1a), so a district's
/// codes still stay together though their order inside it is arbitrary. The Hilbert curve keeps what is close along
/// it close on the plane, so nearby codes land near each other and a district is one compact patch of the square.
/// </para>
/// <para>
/// The routing region is the country and the district ("US-94", "GB-N1"), and its depot the centroid of its patch
/// (the mean of points spread evenly along its span), which depends on the region alone, never on a day's shipments.
/// </para>
/// </summary>
public static class PostalGeometry
{
    public const double CountrySideKm = 1000;

    /// <summary>The longest region key: a country code, a dash and the district.</summary>
    public const int RegionLength = 5;

    private const int Order = 10;
    private const int Side = 1 << Order;
    private const long Cells = (long)Side * Side;
    private const int Districts = 100;

    /// <summary>Upper-case letters and digits only: "n1 9gu" and "N1-9GU" are one code.</summary>
    public static string Normalize(string postalCode) =>
        new([.. postalCode.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant)]);

    /// <summary>The district: the normalised code's first two characters (the whole code when shorter).</summary>
    public static string District(string postalCode)
    {
        var code = Normalize(postalCode);
        return code.Length <= 2 ? code : code[..2];
    }

    /// <summary>"US-94": the routing region a code is delivered in.</summary>
    public static string RegionOf(string country, string postalCode) => $"{country.ToUpperInvariant()}-{District(postalCode)}";

    /// <summary>Where a postal code is on its country's square.</summary>
    public static Point Locate(string postalCode)
    {
        var code = Normalize(postalCode);
        var district = DistrictIndex(code.Length <= 2 ? code : code[..2]);
        var rest = code.Length <= 2 ? 0.5 : Fraction(code[2..], code);
        return AlongCurve((district + rest) / Districts);
    }

    /// <summary>The depot of a region: the centroid of its district's patch of the square.</summary>
    public static Point Depot(string region)
    {
        var district = DistrictIndex(region[(region.IndexOf('-', StringComparison.Ordinal) + 1)..]);
        const int samples = 256;
        var (x, y) = (0.0, 0.0);
        for (var i = 0; i < samples; i++)
        {
            var point = AlongCurve((district + ((i + 0.5) / samples)) / Districts);
            (x, y) = (x + point.X, y + point.Y);
        }

        return new Point(x / samples, y / samples);
    }

    private static int DistrictIndex(string district) =>
        district.Length == 2 && district.All(char.IsAsciiDigit)
            ? ((district[0] - '0') * 10) + (district[1] - '0')
            : (int)(Fnv1a(district) % Districts);

    /// <summary>The place inside the district's span, in [0, 1): digits as a decimal fraction, anything else hashed.</summary>
    private static double Fraction(string rest, string code)
    {
        if (rest.All(char.IsAsciiDigit))
        {
            var (value, scale) = (0.0, 1.0);
            foreach (var digit in rest.Take(12))
            {
                scale /= 10;
                value += (digit - '0') * scale;
            }

            return value;
        }

        return (Fnv1a(code) >> 11) / (double)(1UL << 53);
    }

    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>The centre of the Hilbert curve's cell at <paramref name="position"/> ∈ [0, 1), in km.</summary>
    private static Point AlongCurve(double position)
    {
        var d = Math.Clamp((long)(position * Cells), 0, Cells - 1);
        long x = 0, y = 0;
        for (long s = 1; s < Side; s *= 2)
        {
            var rx = 1 & (d / 2);
            var ry = 1 & (d ^ rx);
            if (ry == 0)
            {
                if (rx == 1)
                {
                    x = s - 1 - x;
                    y = s - 1 - y;
                }

                (x, y) = (y, x);
            }

            x += s * rx;
            y += s * ry;
            d /= 4;
        }

        const double cell = CountrySideKm / Side;
        return new Point((x + 0.5) * cell, (y + 0.5) * cell);
    }
}
