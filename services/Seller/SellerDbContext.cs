namespace Commerce.Seller;

public sealed class SellerDbContext(DbContextOptions<SellerDbContext> options) : DbContext(options)
{
    public const string Schema = "seller";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.AddCommerceMessaging();
        modelBuilder.UseSnakeCaseNames();
    }
}
