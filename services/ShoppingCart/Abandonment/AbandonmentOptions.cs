namespace Commerce.ShoppingCart.Abandonment;

/// <summary>Bound from <c>ShoppingCart:Abandonment</c>.</summary>
public sealed class AbandonmentOptions
{
    public const string Section = "ShoppingCart:Abandonment";

    /// <summary>A cart with items idle this long is abandoned (CartAbandoned, once per idle spell).</summary>
    public TimeSpan AbandonAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A cart idle this long is deleted (CartExpired).</summary>
    public TimeSpan ExpireAfter { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>False: the background loop does not run (tests call <see cref="CartAbandonmentSweeper.SweepAsync"/> themselves).</summary>
    public bool Enabled { get; set; } = true;
}
