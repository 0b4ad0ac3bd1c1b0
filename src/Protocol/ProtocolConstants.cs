namespace HealthGateway.Protocol;

/// <summary>Fixed facts of wire protocol version 1. See docs/protocol.md.</summary>
public static class ProtocolConstants
{
    /// <summary>The WebSocket subprotocol a unit must offer; it names the major version.</summary>
    public const string SubProtocol = "hgw.v1";

    /// <summary>The protocol version carried in <see cref="Frames.Hello"/>.</summary>
    public const int Version = 1;

    /// <summary>Default cap on one reassembled frame (UTF-8 bytes). Peers may announce a lower one.</summary>
    public const int DefaultMaxFrameBytes = 1024 * 1024;

    /// <summary>Longest unit, patient, message or request id accepted anywhere in the protocol.</summary>
    public const int MaxIdLength = 128;

    /// <summary>
    /// Longest <c>traceparent</c> accepted (W3C Trace Context; version 00 is 55 characters, later versions
    /// may append fields). Longer is <c>invalid_field</c>; a malformed value of any length is ignored, not refused.
    /// </summary>
    public const int MaxTraceParentLength = 128;

    /// <summary>Longest <c>tracestate</c> accepted (W3C Trace Context: 32 list members, 512 characters is what vendors must propagate).</summary>
    public const int MaxTraceStateLength = 512;

    /// <summary>Most unit events one <see cref="Frames.EventBatch"/> frame may carry.</summary>
    public const int MaxEventsPerFrame = 500;

    /// <summary>
    /// Event batches a unit may have sent without seeing them acknowledged; the next one closes the
    /// connection with 1008 (<see cref="ErrorCodes.TooManyEventBatches"/>). Announced in
    /// <see cref="Frames.Welcome.MaxEventBatchesInFlight"/>.
    /// </summary>
    public const int MaxUnacknowledgedEventBatches = 16;
}
