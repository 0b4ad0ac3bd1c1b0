using HealthGateway.Gateway.Telemetry;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// One session's share of the node's gauges (backlog depth, connected sessions): the session says how it stands,
/// this adds the difference since the last time, so the node-wide sums stay right through moves and stops.
/// </summary>
public sealed class SessionGaugeShare(GatewayMetrics? metrics)
{
    private long _backlog;
    private bool _connected;

    public void Report(long backlog, bool connected)
    {
        if (metrics is null) return;
        metrics.BacklogChanged(backlog - _backlog);
        _backlog = backlog;
        if (connected == _connected) return;
        _connected = connected;
        if (connected) metrics.SessionConnected();
        else metrics.SessionDisconnected();
    }
}
