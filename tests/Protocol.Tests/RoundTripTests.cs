using System.Globalization;
using System.Text;
using System.Text.Json;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Protocol.Tests;

public class RoundTripTests
{
    [Theory]
    [MemberData(nameof(Samples.FrameNames), MemberType = typeof(Samples))]
    public void Every_sample_frame_round_trips(string name) => FrameAssert.RoundTrip(Samples.Frames[name]);

    [Theory]
    [InlineData("hello", "hello", "protocolVersion,unitId,software,lastAppliedSeq")]
    [InlineData("welcome", "welcome", "sessionEpoch,lastEventSeq,heartbeatSeconds,maxFrameBytes,maxEventBatchesInFlight")]
    [InlineData("request", "request", "id,operation,patientId,deadline,correlationId,traceparent")]
    [InlineData("request+payload", "request", "id,operation,patientId,deadline,payload")]
    [InlineData("reply.ok", "reply", "id,status,payload")]
    [InlineData("reply.not_found", "reply", "id,status,error")]
    [InlineData("deliver", "deliver", "seq,messageId,operation,patientId,expiresAt,payload,correlationId,traceparent,tracestate")]
    [InlineData("ack.deliveries", "ack", "upToSeq,outcomes")]
    [InlineData("ack.events", "ack", "upToSeq")]
    [InlineData("event", "event", "events")]
    [InlineData("error", "error", "code,message")]
    [InlineData("ping", "ping", "nonce")]
    [InlineData("pong", "pong", "nonce")]
    public void Encoded_frame_has_type_first_then_camelCase_fields_and_no_nulls(string name, string type, string fields)
    {
        using var doc = JsonDocument.Parse(FrameCodec.Encode(Samples.Frames[name]));
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["type", .. fields.Split(',')], names);
        Assert.Equal(type, doc.RootElement.GetProperty("type").GetString());
        Assert.DoesNotContain(doc.RootElement.EnumerateObject(), p => p.Value.ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public void The_codec_knows_exactly_the_ten_documented_frame_types()
    {
        Assert.Equal(
            ["ack", "deliver", "error", "event", "hello", "ping", "pong", "reply", "request", "welcome"],
            FrameCodec.FrameTypes.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(ReplyStatus.Ok, "ok")]
    [InlineData(ReplyStatus.NotFound, "not_found")]
    [InlineData(ReplyStatus.Invalid, "invalid")]
    [InlineData(ReplyStatus.Unsupported, "unsupported")]
    [InlineData(ReplyStatus.Error, "error")]
    public void Reply_status_is_a_snake_case_string_and_round_trips(ReplyStatus status, string wire)
    {
        var reply = new Reply("req-1", status, status == ReplyStatus.Ok ? Samples.Element("""{"a":1}""") : null,
            status == ReplyStatus.Ok ? null : "why");
        using var doc = JsonDocument.Parse(FrameCodec.Encode(reply));
        Assert.Equal(wire, doc.RootElement.GetProperty("status").GetString());
        FrameAssert.RoundTrip(reply);
        Assert.Equal(status, FrameAssert.Accepted<Reply>($$"""{"type":"reply","id":"r","status":"{{wire}}"}""").Status);
    }

    [Theory]
    [InlineData(OutcomeStatus.Applied, "applied")]
    [InlineData(OutcomeStatus.Rejected, "rejected")]
    [InlineData(OutcomeStatus.Expired, "expired")]
    public void Outcome_status_is_a_snake_case_string_and_round_trips(OutcomeStatus status, string wire)
    {
        var ack = new Ack(7, [new DeliveryOutcome(7, "msg-7", status)]);
        using var doc = JsonDocument.Parse(FrameCodec.Encode(ack));
        var outcome = doc.RootElement.GetProperty("outcomes")[0];
        Assert.Equal(wire, outcome.GetProperty("status").GetString());
        Assert.Equal(["seq", "messageId", "status"], outcome.EnumerateObject().Select(p => p.Name));
        FrameAssert.RoundTrip(ack);
    }

    [Fact]
    public void Nested_objects_use_camelCase_and_omit_null_optionals()
    {
        using var ack = JsonDocument.Parse(FrameCodec.Encode(Samples.AckDeliveries));
        var outcomes = ack.RootElement.GetProperty("outcomes").EnumerateArray().ToArray();
        Assert.Equal(["seq", "messageId", "status", "result"], outcomes[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["seq", "messageId", "status", "reason"], outcomes[1].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["seq", "messageId", "status"], outcomes[2].EnumerateObject().Select(p => p.Name));

        using var batch = JsonDocument.Parse(FrameCodec.Encode(Samples.EventBatch));
        var events = batch.RootElement.GetProperty("events").EnumerateArray().ToArray();
        Assert.Equal(["seq", "eventId", "kind", "patientId", "occurredAt", "payload"], events[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["seq", "eventId", "kind", "patientId", "occurredAt"], events[1].EnumerateObject().Select(p => p.Name));
        Assert.Equal("""{"displayName":"Ada L."}""", events[0].GetProperty("payload").GetRawText());
    }

    [Fact]
    public void Numbers_are_json_numbers_and_instants_are_iso8601_strings_with_offset()
    {
        using var deliver = JsonDocument.Parse(FrameCodec.Encode(Samples.Deliver));
        Assert.Equal(JsonValueKind.Number, deliver.RootElement.GetProperty("seq").ValueKind);
        Assert.Equal(18, deliver.RootElement.GetProperty("seq").GetInt64());
        Assert.Equal("2026-11-27T09:30:00+00:00", deliver.RootElement.GetProperty("expiresAt").GetString());

        var precise = Samples.Request with { Deadline = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromMinutes(-330)).AddTicks(1234567) };
        using var request = JsonDocument.Parse(FrameCodec.Encode(precise));
        var text = request.RootElement.GetProperty("deadline").GetString();
        Assert.Equal("2026-01-02T03:04:05.1234567-05:30", text);
        Assert.Equal(precise.Deadline, DateTimeOffset.ParseExact(text!, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture));
        FrameAssert.RoundTrip(precise);
    }

    [Fact]
    public void Payload_text_is_carried_verbatim_including_nulls_inside_it()
    {
        var decoded = (Request)FrameAssert.RoundTrip(Samples.RequestWithPayload);
        Assert.Equal("""{"sections":["allergies","medications"],"since":null,"limit":20,"ratio":1.50}""", decoded.Payload!.Value.GetRawText());
    }

    [Fact]
    public void Empty_outcome_list_is_kept_apart_from_no_outcome_list()
    {
        var empty = (Ack)FrameAssert.RoundTrip(new Ack(0, []));
        Assert.NotNull(empty.Outcomes);
        Assert.Empty(empty.Outcomes);
        Assert.Equal("""{"type":"ack","upToSeq":0,"outcomes":[]}""", Encoding.UTF8.GetString(FrameCodec.Encode(new Ack(0, []))));
        Assert.Null(((Ack)FrameAssert.RoundTrip(new Ack(0))).Outcomes);
    }

    [Fact]
    public void Non_ascii_text_is_escaped_on_encode_and_accepted_raw_or_escaped_on_decode()
    {
        const string text = "Z\u00fcrich \u2013 \u6771\u4eac \U0001F600 <b>&'\"\\ \n";
        var bytes = FrameCodec.Encode(new ErrorFrame("error", text, "c-1"));
        Assert.All(bytes, b => Assert.True(b < 0x80, "the encoder writes pure ASCII"));
        FrameAssert.RoundTrip(new ErrorFrame("error", text, "c-1"));

        var raw = FrameAssert.Accepted<ErrorFrame>("{\"type\":\"error\",\"code\":\"c\",\"message\":\"Z\u00fcrich \U0001F600\"}");
        Assert.Equal("Z\u00fcrich \U0001F600", raw.Message);
    }

    [Fact]
    public void Decoding_ignores_whitespace_and_property_order()
    {
        var hello = FrameAssert.Accepted<Hello>("""
            {
              "lastAppliedSeq": 17,
              "software": "HealthGateway.UnitNode/1.0.0",
              "unitId": "unit-0042",
              "protocolVersion": 1,
              "type": "hello"
            }
            """);
        Assert.Equal(Samples.Hello, hello);
    }

    [Fact]
    public void Strings_inside_payloads_are_re_escaped_by_the_encoder_but_keep_their_value()
    {
        var payload = Samples.Element("""{"startsAt":"2026-12-03T14:00:00+01:00"}""");
        var bytes = FrameCodec.Encode(Samples.Request with { Payload = payload });
        Assert.Contains("\"payload\":{\"startsAt\":\"2026-12-03T14:00:00\\u002B01:00\"}", Encoding.UTF8.GetString(bytes));
        var decoded = Assert.IsType<Request>(FrameCodec.Decode(bytes).Frame);
        Assert.Equal("2026-12-03T14:00:00+01:00", decoded.Payload!.Value.GetProperty("startsAt").GetString());
    }

    [Fact]
    public void An_optional_payload_of_json_null_is_the_same_as_no_payload()
    {
        var request = Samples.Request with { Payload = Samples.Element("null") };
        var bytes = FrameCodec.Encode(request);
        Assert.Contains("\"payload\":null", Encoding.UTF8.GetString(bytes));
        var decoded = Assert.IsType<Request>(FrameCodec.Decode(bytes).Frame);
        Assert.Null(decoded.Payload);
        Assert.Equal(FrameCodec.Encode(Samples.Request), FrameCodec.Encode(decoded));
    }
}
