namespace Commerce.Activities;

/// <summary>
/// The saga worker's clients of the owners are registered under this name (and inject with
/// <c>[FromKeyedServices(OwnerClients.SagaWorker)]</c>): their calls carry the worker's own token, the only one the
/// owners' saga steps accept.
/// </summary>
public static class OwnerClients
{
    public const string SagaWorker = "SagaWorker";
}
