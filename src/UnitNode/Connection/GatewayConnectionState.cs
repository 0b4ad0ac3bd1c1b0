namespace HealthGateway.UnitNode.Connection;

public enum GatewayConnectionState
{
    /// <summary>The client has not tried yet.</summary>
    Idle,
    /// <summary>Upgrading the socket or waiting for <c>welcome</c>.</summary>
    Connecting,
    /// <summary>Welcomed: requests, deliveries and events flow.</summary>
    Connected,
    /// <summary>Between attempts, waiting out the backoff.</summary>
    Disconnected,
    /// <summary>Gave up for good (wrong unit id or protocol version): needs a configuration change and a restart.</summary>
    Stopped,
}
