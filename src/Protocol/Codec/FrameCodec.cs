using System.Buffers;
using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;
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

    public static DecodeResult Decode(ReadOnlySpan<byte> utf8, int maxFrameBytes = ProtocolConstants.DefaultMaxFrameBytes) =>
        Decode(utf8, maxFrameBytes, rawReplyPayload: false, out _);

    /// <summary>
    /// Decodes like <see cref="Decode(ReadOnlySpan{byte}, int)"/>, except that a <c>reply</c>'s payload is not built into a
    /// <see cref="JsonElement"/> (<see cref="Reply.Payload"/> stays null): <paramref name="replyPayload"/> is its raw UTF-8,
    /// a slice of <paramref name="utf8"/>, empty when there is none. The gateway checks those bytes against the contract
    /// and passes them on (ADR 23); parsing them into a document first would only be thrown away.
    /// </summary>
    public static DecodeResult DecodeWithRawReplyPayload(ReadOnlySpan<byte> utf8, int maxFrameBytes, out ReadOnlySpan<byte> replyPayload) =>
        Decode(utf8, maxFrameBytes, rawReplyPayload: true, out replyPayload);

    private static DecodeResult Decode(ReadOnlySpan<byte> utf8, int maxFrameBytes, bool rawReplyPayload, out ReadOnlySpan<byte> replyPayload)
    {
        replyPayload = default;
        if (utf8.Length > maxFrameBytes)
            return Fail(ProtocolErrorCode.TooLarge, $"frame of {utf8.Length} bytes exceeds the cap of {maxFrameBytes} bytes");

        // The reader only checks UTF-8 in the strings it transcodes, so check the whole frame first.
        if (!Utf8.IsValid(utf8)) return Fail(ProtocolErrorCode.MalformedJson, "not valid UTF-8");

        string? type;
        Range payload;
        try
        {
            var scan = ScanForType(utf8);
            if (scan.Error is not null) return new DecodeResult(null, scan.Error);
            type = scan.Type;
            payload = scan.Payload;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string holds an escaped lone surrogate (see CheckEscapes).
            return Fail(ProtocolErrorCode.MalformedJson, $"not valid JSON: {e.Message}");
        }

        if (type is null) return Fail(ProtocolErrorCode.MissingType, "the frame has no string 'type' property");
        if (!ByType.TryGetValue(type, out var typeInfo))
            return Fail(ProtocolErrorCode.UnknownType, $"unknown frame type '{Truncate(type)}'");
        if (rawReplyPayload && typeInfo == Context.Reply) typeInfo = ReplyWithoutPayload;

        Frame? frame;
        try
        {
            frame = (Frame?)JsonSerializer.Deserialize(utf8, typeInfo);
        }
        catch (JsonException e)
        {
            // The syntax was already validated by the scan, so this is a schema problem.
            var missing = e.Message.Contains("missing required", StringComparison.OrdinalIgnoreCase)
                          || IsNullAt(utf8, e.Path);
            return Fail(missing ? ProtocolErrorCode.MissingField : ProtocolErrorCode.InvalidField,
                $"{type}: {FirstSentence(e.Message)}{(e.Path is null ? "" : $" (at {e.Path})")}");
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException or FormatException)
        {
            return Fail(ProtocolErrorCode.InvalidField, $"{type}: {FirstSentence(e.Message)}");
        }

        if (frame is null) return Fail(ProtocolErrorCode.MalformedJson, "the frame is JSON null");
        var invalid = CheckElements(frame) ?? frame.Validate();
        if (invalid is not null) return Fail(ProtocolErrorCode.InvalidField, $"{type}: {invalid}");
        if (typeInfo == ReplyWithoutPayload) replyPayload = utf8[payload];
        return new DecodeResult(frame, null);
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

    /// <summary>The frame's type, and where its top-level <c>payload</c> value lies (an empty range when absent or null).</summary>
    private static (string? Type, ProtocolError? Error, Range Payload) ScanForType(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 32 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return (null, new ProtocolError(ProtocolErrorCode.MalformedJson, "a frame must be a JSON object"), default);

        string? type = null;
        Range payload = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            // Matched as the serializer matches Reply.Payload (exact name; a duplicate makes the serializer throw anyway).
            var isPayload = reader.ValueTextEquals("payload"u8);
            CheckEscapes(ref reader);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            if (isType && reader.TokenType == JsonTokenType.String && type is null) type = reader.GetString();
            else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                var depth = reader.CurrentDepth;
                while (reader.Read() && reader.CurrentDepth > depth) CheckEscapes(ref reader);
            }
            else CheckEscapes(ref reader);
            if (isPayload) payload = reader.TokenType == JsonTokenType.Null ? default : start..(int)reader.BytesConsumed;
        }

        // Anything after the closing brace (a second object, garbage) makes the reader throw here.
        if (reader.Read())
            return (null, new ProtocolError(ProtocolErrorCode.MalformedJson, "trailing content after the frame object"), default);
        return (type, null, payload);
    }

    /// <summary><see cref="Reply"/> with its payload skipped, not parsed (<see cref="DecodeWithRawReplyPayload"/>).</summary>
    private static readonly JsonTypeInfo ReplyWithoutPayload = CreateReplyWithoutPayload();

    private static JsonTypeInfo CreateReplyWithoutPayload()
    {
        var options = new JsonSerializerOptions(Context.Options)
        {
            TypeInfoResolver = Context.WithAddedModifier(info =>
            {
                if (info.Type != typeof(Reply)) return;
                foreach (var property in info.Properties)
                    if (property.PropertyType == typeof(JsonElement?)) property.CustomConverter = new SkippedPayload();
            }),
        };
        options.MakeReadOnly();
        return options.GetTypeInfo(typeof(Reply));
    }

    /// <summary>Reads past a value without building it.</summary>
    private sealed class SkippedPayload : JsonConverter<JsonElement?>
    {
        public override JsonElement? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            reader.Skip();
            return null;
        }

        public override void Write(Utf8JsonWriter writer, JsonElement? value, JsonSerializerOptions options) =>
            throw new NotSupportedException("decoding only");
    }

    /// <summary>What the serializer lets through and <see cref="Frame.Validate"/> cannot see: null list items, undefined enum numbers.</summary>
    private static string? CheckElements(Frame frame) => frame switch
    {
        EventBatch b when b.Events.Any(e => e is null) => "'events' must not contain null",
        Ack { Outcomes: { } o } when o.Any(x => x is null) => "'outcomes' must not contain null",
        Ack { Outcomes: { } o } when o.Any(x => !Enum.IsDefined(x.Status)) => "'outcomes' holds an unknown status",
        Ack { Refused: { } r } when r.Any(x => x is null) => "'refused' must not contain null",
        Reply r when !Enum.IsDefined(r.Status) => "'status' is not a known reply status",
        _ => null,
    };

    /// <summary>True when the value at a serializer error path (<c>$.a.b[0]</c>) is JSON null: a required field sent as null.</summary>
    private static bool IsNullAt(ReadOnlySpan<byte> utf8, string? path)
    {
        if (path is null || path.Length < 2 || path[0] != '$') return false;
        try
        {
            using var doc = JsonDocument.Parse(utf8.ToArray());
            var element = doc.RootElement;
            var i = 1;
            while (i < path.Length)
            {
                if (path[i] == '.')
                {
                    var end = path.IndexOfAny(['.', '['], i + 1);
                    if (end < 0) end = path.Length;
                    if (!TryProperty(element, path[(i + 1)..end], out element)) return false;
                    i = end;
                }
                else if (path.AsSpan(i).StartsWith("['"))
                {
                    var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                    if (end < 0 || !TryProperty(element, path[(i + 2)..end], out element)) return false;
                    i = end + 2;
                }
                else if (path[i] == '[')
                {
                    var end = path.IndexOf(']', i);
                    if (end < 0 || element.ValueKind != JsonValueKind.Array
                        || !int.TryParse(path.AsSpan(i + 1, end - i - 1), out var index)
                        || index < 0 || index >= element.GetArrayLength()) return false;
                    element = element[index];
                    i = end + 1;
                }
                else return false;
            }
            return element.ValueKind == JsonValueKind.Null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Case-insensitive on purpose, although the serializer matches names exactly (ProtocolJsonContext): this only
    /// tells which error a rejected frame gets, so a wrongly cased null is reported like a missing field either way.
    /// </summary>
    private static bool TryProperty(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Object) return false;
        foreach (var property in element.EnumerateObject())
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)) value = property.Value;
        return value.ValueKind != JsonValueKind.Undefined;
    }

    /// <summary>
    /// An escaped lone surrogate ("\ud800") is valid JSON syntax but no valid string: unescaping throws
    /// (InvalidOperationException, mapped to malformed_json), so a payload holding one could never be re-encoded.
    /// </summary>
    private static void CheckEscapes(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped) return;
        var buffer = ArrayPool<char>.Shared.Rent(reader.ValueSpan.Length); // unescaped text is never longer
        try { reader.CopyString(buffer); }
        finally { ArrayPool<char>.Shared.Return(buffer); }
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
