using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Commerce.ServiceDefaults.Database;

/// <summary>Ready only when the context can reach its own database as its own role.</summary>
internal sealed class DatabaseHealthCheck<TDbContext>(TDbContext db) : IHealthCheck
    where TDbContext : DbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"{typeof(TDbContext).Name} cannot connect to its database.");
}
