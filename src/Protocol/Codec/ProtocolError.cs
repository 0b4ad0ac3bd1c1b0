namespace HealthGateway.Protocol.Codec;

public enum ProtocolErrorCode
{
    /// <summary>The frame is larger than the agreed cap (close 1009).</summary>
    TooLarge,
    /// <summary>Not UTF-8 JSON, or not a JSON object (close 1007).</summary>
    MalformedJson,
    /// <summary>The <c>type</c> property is missing or not a string (close 1007).</summary>
    MissingType,
    /// <summary>The <c>type</c> names no frame of this protocol version (close 1007).</summary>
    UnknownType,
    /// <summary>A required field is missing or null (close 1007).</summary>
    MissingField,
    /// <summary>A field has the wrong JSON type or an out-of-range value (close 1007).</summary>
    InvalidField,
}

/// <summary>Why a frame could not be decoded. Codes are stable; messages are for humans.</summary>
public sealed record ProtocolError(ProtocolErrorCode Code, string Message)
{
    /// <summary>The WebSocket close code the receiver uses when this error ends the connection.</summary>
    public int CloseCode => Code == ProtocolErrorCode.TooLarge ? CloseCodes.FrameTooLarge : CloseCodes.InvalidFrame;

    /// <summary>Wire name of the code, as used in <see cref="Frames.ErrorFrame.Code"/> (snake_case).</summary>
    public string WireCode => Code switch
    {
        ProtocolErrorCode.TooLarge => ErrorCodes.TooLarge,
        ProtocolErrorCode.MalformedJson => ErrorCodes.MalformedJson,
        ProtocolErrorCode.MissingType => ErrorCodes.MissingType,
        ProtocolErrorCode.UnknownType => ErrorCodes.UnknownType,
        ProtocolErrorCode.MissingField => ErrorCodes.MissingField,
        _ => ErrorCodes.InvalidField,
    };
}
