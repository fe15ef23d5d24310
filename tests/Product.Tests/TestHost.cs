global using Commerce.Host.Testing;

namespace Commerce.Product.Tests;

/// <summary>The host serving only Product on one test class's own database.</summary>
public class ProductFixture : ContextFixture
{
    protected override string Contexts => "Product";
}
