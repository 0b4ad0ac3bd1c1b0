using HealthGateway.Gateway.Units.Session;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Gateway.Units.Connection;

/// <summary>Messages a <see cref="UnitConnectionActor"/> accepts from the rest of the gateway.</summary>
public static class UnitConnectionCommands
{
    /// <summary>Send a read to the unit; the reply goes to the original sender of the read.</summary>
    public sealed record SendRead(UnitSessionCommands.RouteRead Read);

    /// <summary>
    /// Close the socket with this code (gateway shutdown, ops). <paramref name="RetryAfterMs"/>: when the unit should
    /// come back (sent in the error frame before the close; shutdown spreads it over the node's units).
    /// </summary>
    public sealed record Close(int Code, string Reason, int? RetryAfterMs = null);
}

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

/// <summary>One inbound message as the socket graph decoded it.</summary>
public abstract record InboundMessage
{
    /// <summary>A decoded frame. For a <see cref="Reply"/>, <paramref name="ReplyPayloadUtf8"/> is its payload's raw UTF-8 (the frame's own <c>Payload</c> stays unparsed, ADR 23).</summary>
    public sealed record Received(Frame Frame, byte[]? ReplyPayloadUtf8 = null) : InboundMessage;
    public sealed record Rejected(ProtocolError Error) : InboundMessage;
}

/// <summary>What a <see cref="UnitSocketGraph"/> says to its connection actor, and the actor's one answer.</summary>
public static class UnitSocketInbound
{
    /// <summary>The graph is running; answered with <see cref="Ack"/> before the first batch comes.</summary>
    public sealed record Started { public static readonly Started Instance = new(); }

    /// <summary>Frames the graph did not settle itself, in arrival order; answered with <see cref="Ack"/> once handled.</summary>
    public sealed record Batch(IReadOnlyList<InboundMessage> Messages);

    /// <summary>Ready for the next batch: the only way the graph reads on (backpressure).</summary>
    public sealed record Ack { public static readonly Ack Instance = new(); }

    /// <summary>The unit closed its side and every batch was handled.</summary>
    public sealed record Completed { public static readonly Completed Instance = new(); }

    /// <summary>Reading the socket failed (aborted, reset).</summary>
    public sealed record Failed(Exception Cause);
}
