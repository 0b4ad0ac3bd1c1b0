using Akka.Hosting;
using Akka.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HealthGateway.Gateway.Hosting;

/// <summary>
/// The snapshot store's health for readiness. Akka.Persistence.Sql.Hosting 1.5.70 accepts a snapshot
/// builder's health check but never registers it (only the journal's), so we ask Akka.Persistence directly.
/// Like the journal check, it reports the plugin's circuit breaker: open or half-open is unhealthy.
/// </summary>
public static class SnapshotStoreHealth
{
    public const string DefaultPluginId = "akka.persistence.snapshot-store.sql";

    public static AkkaConfigurationBuilder WithSnapshotStoreHealthCheck(this AkkaConfigurationBuilder builder, string name,
        IEnumerable<string> tags, string pluginId = DefaultPluginId) =>
        builder.WithHealthCheck(name, async (system, _, cancellationToken) =>
        {
            var result = await Persistence.Instance.Apply(system).CheckSnapshotStoreHealthAsync(pluginId, cancellationToken);
            return result.Status == PersistenceHealthStatus.Healthy
                ? HealthCheckResult.Healthy(result.Description)
                : HealthCheckResult.Unhealthy(result.Description, result.Exception);
        }, HealthStatus.Unhealthy, tags);
}
