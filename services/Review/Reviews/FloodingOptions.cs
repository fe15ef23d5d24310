namespace Commerce.Review.Reviews;

/// <summary>Review:Flooding — how many reviews one customer may submit in any hour (counted in the database, so across instances).</summary>
public sealed class FloodingOptions
{
    public const string Section = "Review:Flooding";

    public int MaxPerHour { get; set; } = 10;
}
