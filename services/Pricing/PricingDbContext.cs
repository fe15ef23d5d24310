namespace Commerce.Pricing;

public sealed class PricingDbContext(DbContextOptions<PricingDbContext> options) : DbContext(options)
{
    public const string Schema = "pricing";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.AddCommerceMessaging();
        modelBuilder.UseSnakeCaseNames();
    }
}
