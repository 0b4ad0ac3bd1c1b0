using HealthGateway.UnitNode.Connection;
using HealthGateway.UnitNode.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HealthGateway.UnitNode.Telemetry;

/// <summary>
/// The unit is healthy when its store answers and it holds a welcomed session with the gateway;
/// degraded when only the gateway is unreachable (it keeps working locally and catches up later);
/// unhealthy when the store fails (it can apply nothing).
/// </summary>
internal sealed class UnitNodeHealthCheck(UnitStore store, GatewayConnectionStatus connection) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        long lastApplied;
        try
        {
            lastApplied = await store.GetLastAppliedSeqAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("the local store does not answer", e);
        }
        var data = new Dictionary<string, object>
        {
            ["connection"] = connection.State.ToString(),
            ["lastAppliedSeq"] = lastApplied,
            ["connectAttempts"] = connection.ConnectAttempts,
            ["gateway"] = connection.Gateway?.ToString() ?? "",
        };
        return connection.IsConnected
            ? HealthCheckResult.Healthy($"connected to {connection.Gateway} since {connection.ConnectedSince:O}", data)
            : HealthCheckResult.Degraded($"not connected to the gateway ({connection.LastError ?? connection.LastCloseDescription ?? connection.State.ToString()})", data: data);
    }
}
