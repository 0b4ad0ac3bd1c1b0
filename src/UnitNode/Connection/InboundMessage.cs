using System.Net.WebSockets;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.UnitNode.Connection;

/// <summary>One message read from the gateway: a frame, a reason to close (<see cref="Error"/>), or the peer's close.</summary>
internal readonly record struct InboundMessage(
    Frame? Frame,
    ProtocolError? Error,
    bool IsClose,
    WebSocketCloseStatus? CloseStatus,
    string? CloseDescription)
{
    public static InboundMessage Decoded(DecodeResult result) => new(result.Frame, result.Error, false, null, null);

    public static InboundMessage Invalid(ProtocolError error) => new(null, error, false, null, null);

    public static InboundMessage Closed(WebSocketCloseStatus? status, string? description) => new(null, null, true, status, description);
}
