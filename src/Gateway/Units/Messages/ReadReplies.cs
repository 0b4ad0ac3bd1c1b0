using HealthGateway.Protocol.Frames;

namespace HealthGateway.Gateway.Units.Messages;

/// <summary>How a routed read ends, sent to whoever asked (the HTTP handler).</summary>
public static class ReadReplies
{
    /// <summary>
    /// The unit answered. <paramref name="PayloadUtf8"/> is its payload exactly as the frame carried it (UTF-8 JSON, not yet
    /// checked against the contract): the bytes an <c>/api/v1</c> read writes to its caller once they are (ADR 23).
    /// </summary>
    public sealed record Replied(string RequestId, ReplyStatus Status, byte[]? PayloadUtf8, string? Error);

    /// <summary>The read never reached the unit, the unit went away before answering, or it answered with a broken frame.</summary>
    public sealed record Failed(string RequestId, ReadFailure Reason);

    /// <summary>
    /// The one "offline" answer (ADR 23), given where the truth says no connection takes the read: the session holds none,
    /// or the socket's read gate is shut (not attached yet, superseded, re-attaching, closing). 503 with Retry-After.
    /// </summary>
    public static Failed Offline(string requestId) => new(requestId, ReadFailure.UnitOffline);
}

public enum ReadFailure
{
    /// <summary>No connection for the unit (503 with Retry-After).</summary>
    UnitOffline,
    /// <summary>The unit's outbound queue is full (503, retry soon).</summary>
    UnitBusy,
    /// <summary>
    /// The unit sent a frame that could not be decoded (this read's reply, for all the gateway can tell) and its
    /// connection is being closed: a broken contract (502), not an offline unit.
    /// </summary>
    UnitBrokeProtocol,
}
