using Commerce.Workflows.OrderSaga;

namespace Commerce.Checkout;

/// <summary>Bound from <c>Temporal</c>: where the saga runs. The same settings reach a real Temporal or the offline server.</summary>
public sealed class TemporalOptions
{
    public string Address { get; set; } = "127.0.0.1:7233";

    public string Namespace { get; set; } = "default";
}

/// <summary>Bound from <c>Checkout</c>.</summary>
public sealed class CheckoutOptions
{
    /// <summary>How long a submission waits for the saga's early answer before replying 202 Pending.</summary>
    public TimeSpan DecisionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Given to each new saga; fixed for its whole run.</summary>
    public OrderSagaSettings Saga { get; set; } = OrderSagaSettings.Default;
}
