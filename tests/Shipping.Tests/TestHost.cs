global using Commerce.Host.Testing;

namespace Commerce.Shipping.Tests;

/// <summary>The host serving only Shipping on one test class's own database.</summary>
public class ShippingFixture : ContextFixture
{
    protected override string Contexts => "Shipping";
}
