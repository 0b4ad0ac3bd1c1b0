using System.Text;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Protocol.Tests;

/// <summary><see cref="FrameCodec.DecodeWithRawReplyPayload"/>: the gateway's decode, which leaves a reply's payload as its bytes.</summary>
public sealed class RawReplyPayloadTests
{
    private static (Frame? Frame, string Payload, ProtocolError? Error) Decode(string json)
    {
        var result = FrameCodec.DecodeWithRawReplyPayload(Encoding.UTF8.GetBytes(json), ProtocolConstants.DefaultMaxFrameBytes, out var payload);
        return (result.Frame, Encoding.UTF8.GetString(payload), result.Error);
    }

    [Fact]
    public void A_replys_payload_is_its_exact_bytes_and_is_not_parsed_into_the_frame()
    {
        const string payload = """{ "patientId" : "p-1", "payload": {"nested": [1, 2]}, "s": "\u0041" }""";
        var (frame, raw, error) = Decode($$"""{"id":"r-1","payload":{{payload}},"type":"reply","status":"ok"}""");

        Assert.Null(error);
        var reply = Assert.IsType<Reply>(frame);
        Assert.Equal("r-1", reply.Id);
        Assert.Null(reply.Payload);
        Assert.Equal(payload, raw);
    }

    [Theory]
    [InlineData("""{"type":"reply","id":"r-1","status":"not_found"}""")]
    [InlineData("""{"type":"reply","id":"r-1","status":"ok","payload":null}""")]
    [InlineData("""{"type":"request","id":"q-1","operation":"appointments.list","patientId":"p-1","deadline":"2026-12-05T10:00:00Z","payload":{"a":1}}""")]
    public void No_payload_or_another_frame_gives_no_bytes(string json)
    {
        var (frame, raw, error) = Decode(json);

        Assert.Null(error);
        Assert.NotNull(frame);
        Assert.Equal("", raw);
    }

    [Fact]
    public void A_scalar_payload_is_its_token_quotes_included()
    {
        var (_, raw, _) = Decode("""{"type":"reply","id":"r-1","status":"ok","payload":"text"}""");
        Assert.Equal("\"text\"", raw);
    }

    [Fact]
    public void A_broken_reply_is_refused_as_by_the_ordinary_decode()
    {
        const string json = """{"type":"reply","id":"","status":"ok","payload":{}}""";
        var (frame, raw, error) = Decode(json);

        Assert.Null(frame);
        Assert.Equal("", raw);
        Assert.Equal(FrameCodec.Decode(Encoding.UTF8.GetBytes(json)).Error, error);
    }
}
