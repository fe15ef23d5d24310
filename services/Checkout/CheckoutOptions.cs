using Commerce.Workflows.OrderSaga;

namespace Commerce.Checkout;

/// <summary>Bound from <c>Checkout</c>.</summary>
public sealed class CheckoutOptions
{
    /// <summary>How long a submission waits for the saga's early answer before replying 202 Pending.</summary>
    public TimeSpan DecisionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Given to each new saga; fixed for its whole run.</summary>
    public OrderSagaSettings Saga { get; set; } = OrderSagaSettings.Default;
}
