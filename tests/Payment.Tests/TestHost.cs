global using Commerce.Host.Testing;

namespace Commerce.Payment.Tests;

/// <summary>The host serving only Payment on one test class's own database.</summary>
public class PaymentFixture : ContextFixture
{
    protected override string Contexts => "Payment";
}
