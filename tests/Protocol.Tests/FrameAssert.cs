using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Protocol.Tests;

internal static class FrameAssert
{
    public static DecodeResult Decode(string json) => FrameCodec.Decode(Encoding.UTF8.GetBytes(json));

    /// <summary>Encode, decode, compare; then re-encode and demand the same bytes (catches lost offsets, reordered or renamed fields).</summary>
    public static Frame RoundTrip(Frame frame)
    {
        var bytes = FrameCodec.Encode(frame);
        var result = FrameCodec.Decode(bytes);
        Assert.True(result.IsSuccess, $"decode failed: {result.Error} for {Encoding.UTF8.GetString(bytes)}");
        Assert.Null(result.Error);
        Equal(frame, result.Frame!);
        Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(FrameCodec.Encode(result.Frame!)));
        return result.Frame!;
    }

    /// <summary>
    /// Record equality, except that JsonElement payloads compare by reference and lists by reference:
    /// those are compared by raw text / element by element, then blanked out for the record comparison.
    /// </summary>
    public static void Equal(Frame expected, Frame actual)
    {
        Assert.IsType(expected.GetType(), actual);
        switch (expected, actual)
        {
            case (Request e, Request a):
                Payload(e.Payload, a.Payload);
                Assert.Equal(e with { Payload = null }, a with { Payload = null });
                Assert.Equal(e.Deadline.Offset, a.Deadline.Offset);
                break;
            case (Reply e, Reply a):
                Payload(e.Payload, a.Payload);
                Assert.Equal(e with { Payload = null }, a with { Payload = null });
                break;
            case (Deliver e, Deliver a):
                Payload(e.Payload, a.Payload);
                Assert.Equal(e with { Payload = default }, a with { Payload = default });
                Assert.Equal(e.ExpiresAt.Offset, a.ExpiresAt.Offset);
                break;
            case (Ack e, Ack a):
                Assert.Equal(e.UpToSeq, a.UpToSeq);
                if (e.Outcomes is null) { Assert.Null(a.Outcomes); break; }
                Assert.NotNull(a.Outcomes);
                Assert.Equal(e.Outcomes.Count, a.Outcomes.Count);
                for (var i = 0; i < e.Outcomes.Count; i++)
                {
                    Payload(e.Outcomes[i].Result, a.Outcomes[i].Result);
                    Assert.Equal(e.Outcomes[i] with { Result = null }, a.Outcomes[i] with { Result = null });
                }
                break;
            case (EventBatch e, EventBatch a):
                Assert.Equal(e.Events.Count, a.Events.Count);
                for (var i = 0; i < e.Events.Count; i++)
                {
                    Payload(e.Events[i].Payload, a.Events[i].Payload);
                    Assert.Equal(e.Events[i] with { Payload = null }, a.Events[i] with { Payload = null });
                    Assert.Equal(e.Events[i].OccurredAt.Offset, a.Events[i].OccurredAt.Offset);
                }
                break;
            default:
                Assert.Equal(expected, actual);
                break;
        }
    }

    /// <summary>
    /// Same JSON value, and the decoded raw text is exactly what the encoder writes for the original
    /// (the encoder re-escapes strings inside payloads: "+01:00" travels as "\u002B01:00").
    /// </summary>
    public static void Payload(JsonElement? expected, JsonElement? actual)
    {
        // For an optional payload, JSON null and "no payload" are the same thing on the wire.
        if (expected is { ValueKind: JsonValueKind.Null } && actual is null) return;
        Assert.Equal(expected.HasValue, actual.HasValue);
        if (expected is not { } e || actual is not { } a) return;
        Assert.True(JsonElement.DeepEquals(e, a), $"payloads differ: {e.GetRawText()} vs {a.GetRawText()}");
        Assert.Equal(Canonical(e), a.GetRawText());
    }

    /// <summary>The element as the frame encoder writes it (compact, default escaping).</summary>
    public static string Canonical(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) element.WriteTo(writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static ProtocolError Rejected(string json, ProtocolErrorCode code) => Rejected(Encoding.UTF8.GetBytes(json), code);

    public static ProtocolError Rejected(byte[] utf8, ProtocolErrorCode code, int maxFrameBytes = ProtocolConstants.DefaultMaxFrameBytes)
    {
        var result = FrameCodec.Decode(utf8, maxFrameBytes);
        Assert.False(result.IsSuccess, $"expected {code} but decoded {result.Frame}");
        Assert.Null(result.Frame);
        Assert.NotNull(result.Error);
        Assert.True(code == result.Error.Code, $"expected {code} but got {result.Error.Code}: {result.Error.Message}");
        Assert.False(string.IsNullOrWhiteSpace(result.Error.Message));
        return result.Error;
    }

    public static T Accepted<T>(string json) where T : Frame
    {
        var result = Decode(json);
        Assert.True(result.IsSuccess, $"expected a {typeof(T).Name} but got {result.Error}");
        Assert.Null(result.Error);
        return Assert.IsType<T>(result.Frame);
    }

    /// <summary>The encoded frame as a mutable JSON object, to cut fields out of or break.</summary>
    public static JsonObject Node(Frame frame) => JsonNode.Parse(FrameCodec.Encode(frame))!.AsObject();

    /// <summary>A decode must give exactly one of frame and error, and a frame must be valid and re-encodable.</summary>
    public static void WellFormed(DecodeResult result)
    {
        Assert.True(result.Frame is null != result.Error is null, "exactly one of Frame and Error must be set");
        Assert.Equal(result.Frame is not null, result.IsSuccess);
        if (result.Frame is null) return;
        Assert.Null(result.Frame.Validate());
        var again = FrameCodec.Decode(FrameCodec.Encode(result.Frame));
        Assert.True(again.IsSuccess, $"a decoded frame must re-encode to a decodable one: {again.Error}");
    }
}
