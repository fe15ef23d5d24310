namespace Commerce.Promotion;

public sealed class PromotionDbContext(DbContextOptions<PromotionDbContext> options) : DbContext(options)
{
    public const string Schema = "promotion";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.AddCommerceMessaging();
        modelBuilder.UseSnakeCaseNames();
    }
}
