global using Commerce.Host.Testing;

namespace Commerce.Customer.Tests;

/// <summary>The host serving only Customer on one test class's own database.</summary>
public class CustomerFixture : ContextFixture
{
    protected override string Contexts => "Customer";
}
