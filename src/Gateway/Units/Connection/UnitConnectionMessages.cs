using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Gateway.Units.Connection;

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
