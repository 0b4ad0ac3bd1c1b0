using HealthGateway.Protocol;

namespace HealthGateway.UnitNode.Connection;

internal enum SessionEndKind
{
    /// <summary>The gateway sent a close frame.</summary>
    ClosedByGateway,
    /// <summary>The unit closed the socket (protocol violation, handshake timeout, local failure).</summary>
    ClosedByUnit,
    /// <summary>The socket broke without a close handshake.</summary>
    ConnectionLost,
    /// <summary>The host is stopping.</summary>
    ShuttingDown,
}

/// <summary>Why a session ended; the first reason recorded wins.</summary>
internal sealed record SessionEnd(SessionEndKind Kind, int? CloseStatus, string? Description, Exception? Error = null)
{
    /// <summary>The <c>retryAfterMs</c> of the last error frame the gateway sent (e.g. <c>try_later</c>, <c>going_away</c>).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The gateway is stopping or leaving the cluster: close 1001 from its side.</summary>
    public bool IsGoingAway => Kind == SessionEndKind.ClosedByGateway && CloseStatus == CloseCodes.GoingAway;

    /// <summary>The gateway could not attach the session within its attach timeout (e.g. while a dead node is downed).</summary>
    public bool IsSessionUnavailable => Kind == SessionEndKind.ClosedByGateway && CloseStatus == CloseCodes.SessionUnavailable;

    /// <summary>Close codes after which reconnecting cannot help until the configuration changes.</summary>
    public bool IsPermanent =>
        Kind == SessionEndKind.ClosedByGateway && CloseStatus is CloseCodes.UnitIdMismatch or CloseCodes.UnsupportedVersion;

    public static SessionEnd ByGateway(int? status, string? description) => new(SessionEndKind.ClosedByGateway, status, description);

    public static SessionEnd ByUnit(int status, string description, Exception? error = null) =>
        new(SessionEndKind.ClosedByUnit, status, description, error);

    public static SessionEnd Lost(Exception error) => new(SessionEndKind.ConnectionLost, null, error.Message, error);

    public static readonly SessionEnd ShuttingDown = new(SessionEndKind.ShuttingDown, CloseCodes.GoingAway, "unit shutting down");
}
