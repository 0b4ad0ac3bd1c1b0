using System.Text.Json.Serialization;

namespace HealthGateway.Protocol.Frames;

/// <summary>
/// One WebSocket text message on the unit socket: a JSON object whose <c>type</c> names the frame.
/// Decode with <see cref="Codec.FrameCodec"/>, which never throws on bad input.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(Hello), "hello")]
[JsonDerivedType(typeof(Welcome), "welcome")]
[JsonDerivedType(typeof(Request), "request")]
[JsonDerivedType(typeof(Reply), "reply")]
[JsonDerivedType(typeof(Deliver), "deliver")]
[JsonDerivedType(typeof(Ack), "ack")]
[JsonDerivedType(typeof(EventBatch), "event")]
[JsonDerivedType(typeof(ErrorFrame), "error")]
[JsonDerivedType(typeof(Ping), "ping")]
[JsonDerivedType(typeof(Pong), "pong")]
public abstract record Frame
{
    /// <summary>Checks what JSON schema cannot: id lengths, ranges. Null when valid.</summary>
    public virtual string? Validate() => null;

    private protected static string? CheckId(string value, string field) =>
        string.IsNullOrWhiteSpace(value) ? $"'{field}' must not be empty"
        : value.Length > ProtocolConstants.MaxIdLength ? $"'{field}' is longer than {ProtocolConstants.MaxIdLength} characters"
        : null;

    /// <summary>Trace context is optional and advisory: only its length is checked; a receiver ignores a value it cannot parse.</summary>
    private protected static string? CheckTraceContext(string? traceParent, string? traceState) =>
        traceParent is { Length: > ProtocolConstants.MaxTraceParentLength }
            ? $"'traceparent' is longer than {ProtocolConstants.MaxTraceParentLength} characters"
        : traceState is { Length: > ProtocolConstants.MaxTraceStateLength }
            ? $"'tracestate' is longer than {ProtocolConstants.MaxTraceStateLength} characters"
        : null;
}
