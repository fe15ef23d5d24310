using Commerce.Review.Contracts;

namespace Commerce.Review;

public sealed class ReviewDbContext(DbContextOptions<ReviewDbContext> options) : DbContext(options)
{
    public const string Schema = "review";

    public DbSet<ProductReview> Reviews => Set<ProductReview>();

    public DbSet<Reply> Replies => Set<Reply>();

    public DbSet<ProductRating> Ratings => Set<ProductRating>();

    public DbSet<Purchase> Purchases => Set<Purchase>();

    public DbSet<PurchaseLine> PurchaseLines => Set<PurchaseLine>();

    public DbSet<CachedProduct> Products => Set<CachedProduct>();

    public DbSet<CachedCustomer> Customers => Set<CachedCustomer>();

    public DbSet<CachedSeller> Sellers => Set<CachedSeller>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.AddCommerceMessaging();

        modelBuilder.Entity<ProductReview>(b =>
        {
            b.ToTable("reviews", t => t.HasCheckConstraint("ck_reviews_rating", "rating BETWEEN 1 AND 5"));
            b.HasKey(r => r.Id);
            // One review per product per purchase: the 409 holds under concurrent submissions too.
            b.HasIndex(r => new { r.OrderId, r.ProductId }).IsUnique();
            // Flooding: a customer's reviews of the last hour; their own list, newest first.
            b.HasIndex(r => new { r.CustomerId, r.SubmittedAt });
            // The moderation queue (oldest first) and a product's published reviews (newest first).
            b.HasIndex(r => new { r.Status, r.SubmittedAt });
            b.HasIndex(r => new { r.ProductId, r.Status, r.SubmittedAt });
            b.Property(r => r.ProductName).HasMaxLength(ReviewLimits.Name);
            b.Property(r => r.AuthorName).HasMaxLength(ReviewLimits.Name);
            b.Property(r => r.Title).HasMaxLength(ReviewLimits.Title);
            b.Property(r => r.Text).HasMaxLength(ReviewLimits.Text);
            b.Property(r => r.RejectionReason).HasMaxLength(ReviewLimits.Reason);
            b.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
            b.Property(r => r.Version).IsConcurrencyToken();
            b.HasMany(r => r.Replies).WithOne().HasForeignKey(r => r.ReviewId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Reply>(b =>
        {
            b.ToTable("review_replies");
            b.HasKey(r => r.Id);
            b.Property(r => r.Author).HasConversion<string>().HasMaxLength(16);
            b.Property(r => r.AuthorName).HasMaxLength(ReviewLimits.Name);
            b.Property(r => r.Text).HasMaxLength(ReviewLimits.Reply);
        });

        modelBuilder.Entity<ProductRating>(b =>
        {
            b.ToTable("product_ratings", t => t.HasCheckConstraint("ck_product_ratings_stars", "cardinality(stars) = 5"));
            b.HasKey(r => r.ProductId);
        });

        modelBuilder.Entity<Purchase>(b =>
        {
            b.ToTable("purchases");
            b.HasKey(p => p.OrderId);
            b.HasMany(p => p.Lines).WithOne().HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<PurchaseLine>(b =>
        {
            b.ToTable("purchase_lines");
            b.HasKey(l => new { l.OrderId, l.ProductId });
            b.Property(l => l.ProductName).HasMaxLength(ReviewLimits.Name);
        });

        modelBuilder.Entity<CachedProduct>(b =>
        {
            b.ToTable("products");
            b.HasKey(p => p.ProductId);
            b.Property(p => p.Name).HasMaxLength(ReviewLimits.Name);
        });

        modelBuilder.Entity<CachedCustomer>(b =>
        {
            b.ToTable("customers");
            b.HasKey(c => c.CustomerId);
            b.Property(c => c.Name).HasMaxLength(ReviewLimits.Name);
        });

        modelBuilder.Entity<CachedSeller>(b =>
        {
            b.ToTable("sellers");
            b.HasKey(s => s.SellerId);
            b.Property(s => s.DisplayName).HasMaxLength(ReviewLimits.Name);
        });

        modelBuilder.AddCacheRefreshTimes();
        modelBuilder.UseSnakeCaseNames();
    }
}
