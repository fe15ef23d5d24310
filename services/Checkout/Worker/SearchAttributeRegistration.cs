using Commerce.Workflows.OrderSaga;
using Temporalio.Client;

namespace Commerce.Checkout.Worker;

/// <summary>
/// Registers the saga's custom search attributes before the worker starts polling: a workflow that upserts an
/// unregistered attribute fails its tasks, and operators could not filter orders in the Web UI or the CLI.
/// </summary>
internal sealed class SearchAttributeRegistration(ITemporalClient client, ILogger<SearchAttributeRegistration> logger) : IHostedService
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + GiveUpAfter;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await OrderSearchAttributes.RegisterAsync(client);
                logger.LogInformation("Order search attributes registered in namespace {Namespace}", client.Options.Namespace);
                return;
            }
            catch (Exception e) when (DateTime.UtcNow < deadline && e is not OperationCanceledException)
            {
                // Temporal may still be starting next to us (run.sh, compose): wait for it rather than fail.
                logger.LogWarning("Temporal not ready for search attribute registration (attempt {Attempt}): {Error}", attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
