using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Protocol.Codec;

/// <summary>
/// Encodes frames to UTF-8 JSON and decodes them strictly. <see cref="Decode"/> never throws on
/// bad input: every failure is a <see cref="ProtocolError"/> with a stable code.
/// </summary>
public static class FrameCodec
{
    private static readonly ProtocolJsonContext Context = ProtocolJsonContext.Default;

    private static readonly FrozenDictionary<string, JsonTypeInfo> ByType = new Dictionary<string, JsonTypeInfo>
    {
        ["hello"] = Context.Hello,
        ["welcome"] = Context.Welcome,
        ["request"] = Context.Request,
        ["reply"] = Context.Reply,
        ["deliver"] = Context.Deliver,
        ["ack"] = Context.Ack,
        ["event"] = Context.EventBatch,
        ["error"] = Context.ErrorFrame,
        ["ping"] = Context.Ping,
        ["pong"] = Context.Pong,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The frame type names this version understands, as they appear in <c>type</c>.</summary>
    public static IReadOnlyCollection<string> FrameTypes => ByType.Keys;

    public static byte[] Encode(Frame frame) => JsonSerializer.SerializeToUtf8Bytes(frame, Context.Frame);

    public static DecodeResult Decode(ReadOnlySpan<byte> utf8, int maxFrameBytes = ProtocolConstants.DefaultMaxFrameBytes)
    {
        if (utf8.Length > maxFrameBytes)
            return Fail(ProtocolErrorCode.TooLarge, $"frame of {utf8.Length} bytes exceeds the cap of {maxFrameBytes} bytes");

        string? type;
        try
        {
            var scan = ScanForType(utf8);
            if (scan.Error is not null) return new DecodeResult(null, scan.Error);
            type = scan.Type;
        }
        catch (JsonException e)
        {
            return Fail(ProtocolErrorCode.MalformedJson, $"not valid JSON: {e.Message}");
        }

        if (type is null) return Fail(ProtocolErrorCode.MissingType, "the frame has no string 'type' property");
        if (!ByType.TryGetValue(type, out var typeInfo))
            return Fail(ProtocolErrorCode.UnknownType, $"unknown frame type '{Truncate(type)}'");

        Frame? frame;
        try
        {
            frame = (Frame?)JsonSerializer.Deserialize(utf8, typeInfo);
        }
        catch (JsonException e)
        {
            // The syntax was already validated by the scan, so this is a schema problem.
            var missing = e.Message.Contains("missing required", StringComparison.OrdinalIgnoreCase)
                          || e.Message.Contains("non-nullable", StringComparison.OrdinalIgnoreCase);
            return Fail(missing ? ProtocolErrorCode.MissingField : ProtocolErrorCode.InvalidField,
                $"{type}: {FirstSentence(e.Message)}{(e.Path is null ? "" : $" (at {e.Path})")}");
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException or FormatException)
        {
            return Fail(ProtocolErrorCode.InvalidField, $"{type}: {FirstSentence(e.Message)}");
        }

        if (frame is null) return Fail(ProtocolErrorCode.MalformedJson, "the frame is JSON null");
        var invalid = frame.Validate();
        return invalid is null ? new DecodeResult(frame, null) : Fail(ProtocolErrorCode.InvalidField, $"{type}: {invalid}");
    }

    /// <summary>Serializes a contract (reply payload, write payload) to a JSON element for a frame.</summary>
    public static JsonElement ToElement<T>(T value, JsonTypeInfo<T> typeInfo) =>
        JsonSerializer.SerializeToElement(value, typeInfo);

    /// <summary>Reads a contract out of a frame's payload, or null with a reason when it does not fit.</summary>
    public static T? FromElement<T>(JsonElement element, JsonTypeInfo<T> typeInfo, out string? error) where T : class
    {
        try
        {
            error = null;
            var value = element.Deserialize(typeInfo);
            if (value is null) error = "payload is null";
            return value;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            error = FirstSentence(e.Message);
            return null;
        }
    }

    private static (string? Type, ProtocolError? Error) ScanForType(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 32 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return (null, new ProtocolError(ProtocolErrorCode.MalformedJson, "a frame must be a JSON object"));

        string? type = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            reader.Read();
            if (isType && reader.TokenType == JsonTokenType.String && type is null) type = reader.GetString();
            else reader.Skip();
        }

        // Anything after the closing brace (a second object, garbage) makes the reader throw here.
        if (reader.Read())
            return (null, new ProtocolError(ProtocolErrorCode.MalformedJson, "trailing content after the frame object"));
        return (type, null);
    }

    private static DecodeResult Fail(ProtocolErrorCode code, string message) => new(null, new ProtocolError(code, message));

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "...";

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message.TrimEnd('.');
    }
}

/// <summary>Either a frame or the reason there is none.</summary>
public readonly record struct DecodeResult(Frame? Frame, ProtocolError? Error)
{
    public bool IsSuccess => Frame is not null;
}
