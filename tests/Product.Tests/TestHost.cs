global using Commerce.Host.Testing;

namespace Commerce.Product.Tests;

/// <summary>The host serving only Product on one test class's own database.</summary>
public class ProductFixture : ContextFixture
{
    protected override string Contexts => "Product";
}

/// <summary>Customer (the token server), Product and Seller in one host: Seller's real events reach Customer and Product.</summary>
public class SellerSystemFixture : ContextFixture
{
    protected override string Contexts => "Customer,Product,Seller";
}
