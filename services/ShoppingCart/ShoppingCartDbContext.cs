namespace Commerce.ShoppingCart;

public sealed class ShoppingCartDbContext(DbContextOptions<ShoppingCartDbContext> options) : DbContext(options)
{
    public const string Schema = "shoppingcart";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.AddCommerceMessaging();
        modelBuilder.UseSnakeCaseNames();
    }
}
