using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;
using static HealthGateway.Protocol.Tests.FrameAssert;

namespace HealthGateway.Protocol.Tests;

/// <summary>Every way a frame is refused, with the exact code and the close code it leads to.</summary>
public class RejectionTests
{
    private const string ValidPing = """{"type":"ping","nonce":1}""";

    // ---------- too_large ----------

    private static byte[] PingOfSize(int size)
    {
        var prefix = "{\"type\":\"ping\",\"nonce\":1,\"pad\":\""u8.ToArray();
        var suffix = "\"}"u8.ToArray();
        var pad = Enumerable.Repeat((byte)'x', size - prefix.Length - suffix.Length);
        byte[] bytes = [.. prefix, .. pad, .. suffix];
        Assert.Equal(size, bytes.Length);
        return bytes;
    }

    [Theory]
    [InlineData(64)]
    [InlineData(4096)]
    [InlineData(ProtocolConstants.DefaultMaxFrameBytes)]
    public void A_frame_of_exactly_the_cap_is_accepted_and_one_byte_more_is_too_large(int cap)
    {
        Assert.IsType<Ping>(FrameCodec.Decode(PingOfSize(cap), cap).Frame);
        var error = Rejected(PingOfSize(cap + 1), ProtocolErrorCode.TooLarge, cap);
        Assert.Equal(1009, error.CloseCode);
        Assert.Equal(CloseCodes.FrameTooLarge, error.CloseCode);
        Assert.Equal("too_large", error.WireCode);
    }

    [Fact]
    public void The_default_cap_is_one_mebibyte()
    {
        Assert.True(FrameCodec.Decode(PingOfSize(1024 * 1024)).IsSuccess);
        Assert.Equal(ProtocolErrorCode.TooLarge, FrameCodec.Decode(PingOfSize(1024 * 1024 + 1)).Error?.Code);
    }

    [Fact]
    public void Size_is_checked_before_anything_is_parsed()
    {
        var garbage = Enumerable.Repeat((byte)'{', 200).ToArray();
        Rejected(garbage, ProtocolErrorCode.TooLarge, maxFrameBytes: 199);
        Rejected(garbage, ProtocolErrorCode.MalformedJson, maxFrameBytes: 200);
    }

    // ---------- malformed_json ----------

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("ping")]
    [InlineData("{")]
    [InlineData("""{"type":"ping","nonce":1""")]
    [InlineData("""{"type":"ping","nonce":}""")]
    [InlineData("[]")]
    [InlineData("""[{"type":"ping","nonce":1}]""")]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("\"ping\"")]
    [InlineData("true")]
    [InlineData("""{"type":"ping","nonce":1}x""")]
    [InlineData("""{"type":"ping","nonce":1}{"type":"ping","nonce":2}""")]
    [InlineData("""{"type":"ping","nonce":1}]""")]
    [InlineData("""{"type":"ping","nonce":1,}""")]
    [InlineData("""{"type":"ping",/* c */"nonce":1}""")]
    [InlineData("""{'type':'ping','nonce':1}""")]
    [InlineData("""{type:"ping","nonce":1}""")]
    [InlineData("""{"type":"ping","nonce":NaN}""")]
    [InlineData("""{"type":"ping","nonce":01}""")]
    [InlineData("{\"type\":\"ping\",\"nonce\":1,\"x\":\"a\u0001b\"}")]
    [InlineData("""{"type":"ping","nonce":1,"x":"\q"}""")]
    [InlineData("""{"type":"p\ud800ng","nonce":1}""")]
    [InlineData("""{"type":"ping","nonce":1,"x":"\ud800"}""")]
    [InlineData("""{"type":"ping","nonce":1,"x":{"a":["\udc00x"]}}""")]
    [InlineData("""{"type":"ping","nonce":1,"\ud83d":0}""")]
    [InlineData("""{"type":"error","code":"c","message":"\ud83dA"}""")]
    [InlineData("""{"type":"ack","upToSeq":1,"outcomes":[{"seq":1,"messageId":"m","status":"applied","result":{"t":"\ud83d"}}]}""")]
    [InlineData("\ufeff{\"type\":\"ping\",\"nonce\":1}")]
    public void Not_a_single_json_object_is_malformed_json_and_closes_1007(string text)
    {
        var error = Rejected(text, ProtocolErrorCode.MalformedJson);
        Assert.Equal(1007, error.CloseCode);
        Assert.Equal(CloseCodes.InvalidFrame, error.CloseCode);
        Assert.Equal("malformed_json", error.WireCode);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0x80 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    public void Invalid_utf8_anywhere_is_malformed_json(byte[] bad)
    {
        string[] templates =
        [
            """{"type":"#","nonce":1}""",
            """{"type":"ping","nonce":1,"unknown":"#"}""",
            """{"type":"ping","nonce":1,"#":0}""",
            """{"type":"error","code":"c","message":"#"}""",
            """{"type":"hello","protocolVersion":1,"unitId":"u#","software":"s","lastAppliedSeq":0}""",
        ];
        foreach (var template in templates)
        {
            var at = template.IndexOf('#');
            byte[] bytes = [.. Encoding.UTF8.GetBytes(template[..at]), .. bad, .. Encoding.UTF8.GetBytes(template[(at + 1)..])];
            Rejected(bytes, ProtocolErrorCode.MalformedJson);
        }
    }

    [Fact]
    public void Nesting_up_to_32_levels_is_accepted_and_deeper_is_malformed_json_without_throwing()
    {
        // The frame object itself is level 1.
        static string Nested(int levels) => """{"type":"ping","nonce":1,"x":""" + new string('[', levels - 1) + new string(']', levels - 1) + "}";
        Assert.True(Decode(Nested(32)).IsSuccess);
        Rejected(Nested(33), ProtocolErrorCode.MalformedJson);
        Rejected(Nested(100_000), ProtocolErrorCode.MalformedJson);

        var deepPayload = """{"type":"request","id":"r","operation":"records.get","patientId":"p","deadline":"2026-11-26T09:30:05+00:00","payload":"""
                          + string.Concat(Enumerable.Repeat("""{"a":""", 40)) + "1" + new string('}', 40) + "}";
        Rejected(deepPayload, ProtocolErrorCode.MalformedJson);
    }

    // ---------- missing_type / unknown_type ----------

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"nonce":1}""")]
    [InlineData("""{"type":1,"nonce":1}""")]
    [InlineData("""{"type":null,"nonce":1}""")]
    [InlineData("""{"type":true,"nonce":1}""")]
    [InlineData("""{"type":["ping"],"nonce":1}""")]
    [InlineData("""{"type":{"name":"ping"},"nonce":1}""")]
    [InlineData("""{"Type":"ping","nonce":1}""")]
    [InlineData("""{"$type":"ping","nonce":1}""")]
    public void No_string_type_is_missing_type(string json)
    {
        var error = Rejected(json, ProtocolErrorCode.MissingType);
        Assert.Equal(1007, error.CloseCode);
        Assert.Equal("missing_type", error.WireCode);
    }

    [Theory]
    [InlineData("Hello")]
    [InlineData("PING")]
    [InlineData("")]
    [InlineData("ping ")]
    [InlineData("events")]
    [InlineData("eventBatch")]
    [InlineData("ErrorFrame")]
    [InlineData("subscribe")]
    public void A_type_this_version_does_not_know_is_unknown_type(string type)
    {
        var error = Rejected($$"""{"type":{{JsonSerializer.Serialize(type)}},"nonce":1}""", ProtocolErrorCode.UnknownType);
        Assert.Equal(1007, error.CloseCode);
        Assert.Equal("unknown_type", error.WireCode);
    }

    [Fact]
    public void Type_may_come_anywhere_in_the_object_and_escapes_in_it_are_decoded()
    {
        Assert.Equal(new Ping(5), Accepted<Ping>("""{"nonce":5,"type":"ping"}"""));
        Assert.Equal(new Ping(5), Accepted<Ping>("""{"type":"p\u0069ng","nonce":5}"""));
    }

    // ---------- missing_field ----------

    public static TheoryData<string, string> RequiredFields => new()
    {
        { "hello", "protocolVersion" }, { "hello", "unitId" }, { "hello", "software" }, { "hello", "lastAppliedSeq" },
        { "welcome", "sessionEpoch" }, { "welcome", "lastEventSeq" }, { "welcome", "heartbeatSeconds" }, { "welcome", "maxFrameBytes" },
        { "request", "id" }, { "request", "operation" }, { "request", "patientId" }, { "request", "deadline" },
        { "reply.ok", "id" }, { "reply.ok", "status" },
        { "deliver", "seq" }, { "deliver", "messageId" }, { "deliver", "operation" }, { "deliver", "patientId" },
        { "deliver", "expiresAt" }, { "deliver", "payload" },
        { "ack.deliveries", "upToSeq" },
        { "ack.deliveries", "outcomes.0.seq" }, { "ack.deliveries", "outcomes.0.messageId" }, { "ack.deliveries", "outcomes.0.status" },
        { "event", "events" },
        { "event", "events.0.seq" }, { "event", "events.0.eventId" }, { "event", "events.0.kind" },
        { "event", "events.0.patientId" }, { "event", "events.0.occurredAt" },
        { "error", "code" }, { "error", "message" },
        { "ping", "nonce" }, { "pong", "nonce" },
    };

    [Theory]
    [MemberData(nameof(RequiredFields))]
    public void A_required_field_left_out_is_missing_field(string sample, string path)
    {
        var node = Node(Samples.Frames[sample]);
        var (parent, name) = Locate(node, path);
        Assert.True(parent.Remove(name), $"the sample has no '{path}'");
        var error = Rejected(node.ToJsonString(), ProtocolErrorCode.MissingField);
        Assert.Equal(1007, error.CloseCode);
        Assert.Equal("missing_field", error.WireCode);
    }

    [Theory]
    [MemberData(nameof(RequiredFields))]
    public void A_required_field_sent_as_null_is_missing_field(string sample, string path)
    {
        var node = Node(Samples.Frames[sample]);
        var (parent, name) = Locate(node, path);
        parent[name] = null;
        var json = node.ToJsonString();
        if (path == "payload")
        {
            // deliver.payload is a JsonElement: JSON null is a value there (the contract check then fails at the unit).
            Assert.Equal(JsonValueKind.Null, Accepted<Deliver>(json).Payload.ValueKind);
            return;
        }
        Rejected(json, ProtocolErrorCode.MissingField);
    }

    [Fact]
    public void Field_names_are_matched_exactly_so_a_differently_cased_one_leaves_the_field_missing() =>
        // docs/protocol.md, section 2: "UnitId" is an unknown field (ignored), and unitId is then missing.
        Rejected("""{"type":"hello","protocolVersion":1,"UnitId":"unit-a","software":"s","lastAppliedSeq":0}""", ProtocolErrorCode.MissingField);

    [Fact]
    public void A_property_name_is_matched_case_insensitively_for_null_detection_too()
    {
        Rejected("""{"type":"hello","protocolVersion":1,"UnitId":null,"software":"s","lastAppliedSeq":0}""", ProtocolErrorCode.MissingField);
    }

    public static TheoryData<string, string> OptionalFields => new()
    {
        { "request", "correlationId" }, { "request", "traceparent" }, { "request+payload", "payload" },
        { "reply.ok", "payload" }, { "reply.not_found", "error" },
        { "deliver", "correlationId" }, { "deliver", "traceparent" }, { "deliver", "tracestate" },
        { "ack.deliveries", "outcomes" }, { "ack.deliveries", "outcomes.0.result" }, { "ack.deliveries", "outcomes.1.reason" },
        { "event", "events.0.payload" },
    };

    [Theory]
    [MemberData(nameof(OptionalFields))]
    public void An_optional_field_may_be_left_out_or_sent_as_null(string sample, string path)
    {
        var node = Node(Samples.Frames[sample]);
        var (parent, name) = Locate(node, path);
        parent[name] = null;
        var asNull = Decode(node.ToJsonString());
        Assert.True(asNull.IsSuccess, asNull.Error?.ToString());
        parent.Remove(name);
        var absent = Decode(node.ToJsonString());
        Assert.True(absent.IsSuccess, absent.Error?.ToString());
        // Both mean the same, and the encoder leaves the field out.
        Assert.Equal(FrameCodec.Encode(absent.Frame!), FrameCodec.Encode(asNull.Frame!));
        Assert.True(JsonNode.DeepEquals(node, JsonNode.Parse(FrameCodec.Encode(absent.Frame!))));
    }

    // ---------- invalid_field: JSON types and enum values ----------

    [Theory]
    [InlineData("hello", "unitId", "5")]
    [InlineData("hello", "unitId", """["u"]""")]
    [InlineData("hello", "lastAppliedSeq", "\"abc\"")]
    [InlineData("hello", "lastAppliedSeq", "1.5")]
    [InlineData("hello", "lastAppliedSeq", "1.0")]
    [InlineData("hello", "lastAppliedSeq", "true")]
    [InlineData("hello", "lastAppliedSeq", "1e3")]
    [InlineData("hello", "lastAppliedSeq", "-0.0")]
    [InlineData("hello", "lastAppliedSeq", "9223372036854775808")]
    [InlineData("hello", "protocolVersion", "2147483648")]
    [InlineData("hello", "software", "{}")]
    [InlineData("welcome", "heartbeatSeconds", "\"15s\"")]
    [InlineData("request", "deadline", "\"tomorrow\"")]
    [InlineData("request", "deadline", "1764149405")]
    [InlineData("request", "deadline", "\"2026-13-01T00:00:00Z\"")]
    [InlineData("request", "correlationId", "7")]
    [InlineData("reply.ok", "status", "\"NotFound\"")]
    [InlineData("reply.ok", "status", "\"OK\"")]
    [InlineData("reply.ok", "status", "\"bogus\"")]
    [InlineData("reply.ok", "status", "\"\"")]
    [InlineData("reply.ok", "status", "99")]
    [InlineData("reply.ok", "status", "-1")]
    [InlineData("reply.not_found", "error", "42")]
    [InlineData("deliver", "seq", "\"one\"")]
    [InlineData("deliver", "expiresAt", "{}")]
    [InlineData("ack.deliveries", "upToSeq", "[]")]
    [InlineData("ack.deliveries", "outcomes", "{}")]
    [InlineData("ack.deliveries", "outcomes.0.status", "\"done\"")]
    [InlineData("ack.deliveries", "outcomes.0.status", "\"Applied\"")]
    [InlineData("ack.deliveries", "outcomes.0.status", "7")]
    [InlineData("ack.deliveries", "outcomes.0.seq", "\"x\"")]
    [InlineData("ack.deliveries", "outcomes.1.reason", "false")]
    [InlineData("event", "events", "{}")]
    [InlineData("event", "events", "\"e\"")]
    [InlineData("event", "events.0.occurredAt", "\"noon\"")]
    [InlineData("event", "events.0.seq", "1.0")]
    [InlineData("error", "code", "1")]
    [InlineData("ping", "nonce", "1e400")]
    [InlineData("ping", "nonce", "\"\"")]
    [InlineData("ping", "nonce", "{}")]
    public void A_field_of_the_wrong_json_type_or_an_unknown_enum_value_is_invalid_field(string sample, string path, string value)
    {
        var node = Node(Samples.Frames[sample]);
        var (parent, name) = Locate(node, path);
        parent[name] = JsonNode.Parse(value);
        var error = Rejected(node.ToJsonString(), ProtocolErrorCode.InvalidField);
        Assert.Equal(1007, error.CloseCode);
        Assert.Equal("invalid_field", error.WireCode);
    }

    // ---------- invalid_field: Validate() rules ----------

    public static TheoryData<string, string> IdFields => new()
    {
        { "hello", "unitId" },
        { "request", "id" }, { "request", "operation" }, { "request", "patientId" },
        { "reply.ok", "id" },
        { "deliver", "messageId" }, { "deliver", "operation" }, { "deliver", "patientId" },
        { "event", "events.0.eventId" }, { "event", "events.0.kind" }, { "event", "events.0.patientId" },
        { "event", "events.1.patientId" },
    };

    [Theory]
    [MemberData(nameof(IdFields))]
    public void Ids_must_be_non_blank_and_at_most_128_utf16_units(string sample, string path)
    {
        string Set(string value)
        {
            var node = Node(Samples.Frames[sample]);
            var (parent, name) = Locate(node, path);
            parent[name] = value;
            return node.ToJsonString();
        }

        Assert.Equal(128, ProtocolConstants.MaxIdLength);
        Assert.True(Decode(Set("x")).IsSuccess);
        Assert.True(Decode(Set(new string('x', 128))).IsSuccess);
        Assert.True(Decode(Set(string.Concat(Enumerable.Repeat("\U0001F600", 64)))).IsSuccess);
        Rejected(Set(new string('x', 129)), ProtocolErrorCode.InvalidField);
        Rejected(Set(string.Concat(Enumerable.Repeat("\U0001F600", 64)) + "x"), ProtocolErrorCode.InvalidField);
        Rejected(Set(""), ProtocolErrorCode.InvalidField);
        Rejected(Set("   "), ProtocolErrorCode.InvalidField);
        Rejected(Set("\t\r\n\u00a0\u2003"), ProtocolErrorCode.InvalidField);
    }

    public static TheoryData<string, string, int> TraceContextFields => new()
    {
        { "request", "traceparent", ProtocolConstants.MaxTraceParentLength },
        { "request", "tracestate", ProtocolConstants.MaxTraceStateLength },
        { "deliver", "traceparent", ProtocolConstants.MaxTraceParentLength },
        { "deliver", "tracestate", ProtocolConstants.MaxTraceStateLength },
    };

    [Theory]
    [MemberData(nameof(TraceContextFields))]
    public void Trace_context_is_capped_in_length_but_its_content_is_not_checked(string sample, string field, int max)
    {
        string Set(JsonNode? value)
        {
            var node = Node(Samples.Frames[sample]);
            node[field] = value;
            return node.ToJsonString();
        }

        Assert.Equal(128, ProtocolConstants.MaxTraceParentLength);
        Assert.Equal(512, ProtocolConstants.MaxTraceStateLength);
        Assert.True(Decode(Set(new string('x', max))).IsSuccess);
        // Malformed or empty trace context is advisory: the receiver ignores it, the frame still counts.
        Assert.True(Decode(Set("not-a-traceparent")).IsSuccess);
        Assert.True(Decode(Set("")).IsSuccess);
        var error = Rejected(Set(new string('x', max + 1)), ProtocolErrorCode.InvalidField);
        Assert.Contains(field, error.Message);
        Rejected(Set(7), ProtocolErrorCode.InvalidField);
    }

    [Fact]
    public void Trace_context_travels_under_its_w3c_names()
    {
        var frame = Decode(Encoding.UTF8.GetString(FrameCodec.Encode(Samples.Deliver))).Frame;
        var deliver = Assert.IsType<Deliver>(frame);
        Assert.Equal(Samples.Deliver.TraceParent, deliver.TraceParent);
        Assert.Equal("congo=t61rcWkgMzE", deliver.TraceState);
        var json = JsonNode.Parse(FrameCodec.Encode(Samples.Request))!.AsObject();
        Assert.Equal("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", (string?)json["traceparent"]);
        Assert.False(json.ContainsKey("traceParent"));
        Assert.False(json.ContainsKey("tracestate")); // absent stays absent
    }

    [Theory]
    [InlineData("hello", "lastAppliedSeq", -1, 0)]
    [InlineData("hello", "lastAppliedSeq", long.MinValue, long.MaxValue)]
    [InlineData("deliver", "seq", 0, 1)]
    [InlineData("deliver", "seq", -1, long.MaxValue)]
    [InlineData("ack.deliveries", "upToSeq", -1, 0)]
    public void Numeric_ranges_are_enforced(string sample, string path, long invalid, long valid)
    {
        var node = Node(Samples.Frames[sample]);
        var (parent, name) = Locate(node, path);
        parent[name] = valid;
        Assert.True(Decode(node.ToJsonString()).IsSuccess);
        parent[name] = invalid;
        Rejected(node.ToJsonString(), ProtocolErrorCode.InvalidField);
    }

    [Fact]
    public void Software_may_be_200_characters_but_not_201()
    {
        FrameAssert.RoundTrip(Samples.Hello with { Software = new string('s', 200) });
        FrameAssert.RoundTrip(Samples.Hello with { Software = "" });
        Rejected(Encoding.UTF8.GetString(FrameCodec.Encode(Samples.Hello with { Software = new string('s', 201) })), ProtocolErrorCode.InvalidField);
    }

    private static string Batch(params long[] seqs) => Encoding.UTF8.GetString(FrameCodec.Encode(new EventBatch(
        [.. seqs.Select(s => new UnitEvent(s, $"evt-{s}", UnitEventKinds.RecordUpdated, "pat-1", Samples.Now))])));

    [Fact]
    public void Event_batch_holds_1_to_500_events_with_strictly_increasing_positive_seqs()
    {
        Assert.Equal(500, ProtocolConstants.MaxEventsPerFrame);
        Assert.True(Decode(Batch(1)).IsSuccess);
        Assert.True(Decode(Batch(5, 6, 9, 1000)).IsSuccess); // gaps are allowed
        Assert.True(Decode(Batch([.. Enumerable.Range(1, 500).Select(i => (long)i)])).IsSuccess);

        Rejected(Batch(), ProtocolErrorCode.InvalidField);
        Rejected(Batch([.. Enumerable.Range(1, 501).Select(i => (long)i)]), ProtocolErrorCode.InvalidField);
        Rejected(Batch(0), ProtocolErrorCode.InvalidField);
        Rejected(Batch(-3), ProtocolErrorCode.InvalidField);
        Rejected(Batch(1, 1), ProtocolErrorCode.InvalidField);
        Rejected(Batch(2, 1), ProtocolErrorCode.InvalidField);
        Rejected(Batch(1, 2, 3, 3), ProtocolErrorCode.InvalidField);
    }

    [Fact]
    public void Null_list_items_are_invalid_field_not_an_exception()
    {
        Rejected("""{"type":"event","events":[null]}""", ProtocolErrorCode.InvalidField);
        Rejected("""{"type":"event","events":[{"seq":1,"eventId":"e","kind":"k","patientId":"p","occurredAt":"2026-11-26T09:30:00+00:00"},null]}""", ProtocolErrorCode.InvalidField);
        Rejected("""{"type":"ack","upToSeq":1,"outcomes":[null]}""", ProtocolErrorCode.InvalidField);
    }

    // ---------- forward compatibility ----------

    [Theory]
    [MemberData(nameof(Samples.FrameNames), MemberType = typeof(Samples))]
    public void Unknown_properties_are_ignored_at_every_level(string name)
    {
        var frame = Samples.Frames[name];
        var node = Node(frame);
        var extra = () => JsonNode.Parse("""{"nested":[1,{"deep":null}],"flag":true}""");
        node["x-future"] = extra();
        node["zz"] = null;
        foreach (var list in new[] { "events", "outcomes" })
            if (node[list] is JsonArray items)
                foreach (var item in items) item!["addedInV1_1"] = extra();

        var decoded = Decode(node.ToJsonString());
        Assert.True(decoded.IsSuccess, decoded.Error?.ToString());
        FrameAssert.Equal(frame, decoded.Frame!);
    }

    // ---------- codes ----------

    [Theory]
    [InlineData(ProtocolErrorCode.TooLarge, "too_large", 1009)]
    [InlineData(ProtocolErrorCode.MalformedJson, "malformed_json", 1007)]
    [InlineData(ProtocolErrorCode.MissingType, "missing_type", 1007)]
    [InlineData(ProtocolErrorCode.UnknownType, "unknown_type", 1007)]
    [InlineData(ProtocolErrorCode.MissingField, "missing_field", 1007)]
    [InlineData(ProtocolErrorCode.InvalidField, "invalid_field", 1007)]
    public void Every_error_code_has_a_wire_name_and_a_close_code(ProtocolErrorCode code, string wire, int close)
    {
        var error = new ProtocolError(code, "m");
        Assert.Equal(wire, error.WireCode);
        Assert.Equal(close, error.CloseCode);
    }

    [Fact]
    public void A_valid_frame_decodes()
    {
        Assert.Equal(new Ping(1), Accepted<Ping>(ValidPing));
    }

    [Fact]
    public void Checks_run_in_order_size_then_syntax_then_type_then_fields()
    {
        Rejected(Encoding.UTF8.GetBytes("""{"type":"nope","nonce":"""), ProtocolErrorCode.TooLarge, maxFrameBytes: 10);
        Rejected("""{"type":"nope","nonce":""", ProtocolErrorCode.MalformedJson);
        Rejected("""{"nonce":"x","unitId":null""", ProtocolErrorCode.MalformedJson);
        Rejected("""{"nonce":"x","unitId":null}""", ProtocolErrorCode.MissingType);
        Rejected("""{"type":"nope","unitId":null}""", ProtocolErrorCode.UnknownType);
        Rejected("""{"type":"hello","protocolVersion":"x"}""", ProtocolErrorCode.InvalidField);
    }

    [Theory]
    [InlineData("2026-11-26T09:30:05+00:00")]
    [InlineData("2026-11-26T09:30:05Z")]
    [InlineData("2026-11-26T09:30:05.1234567Z")]
    [InlineData("2026-11-26T04:00:05-05:30")]
    public void Instants_are_accepted_with_any_offset_notation(string instant)
    {
        var request = Accepted<Request>($$"""{"type":"request","id":"r","operation":"records.get","patientId":"p","deadline":"{{instant}}"}""");
        Assert.Equal(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), request.Deadline);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 9, 30, 5, TimeSpan.Zero), request.Deadline.AddTicks(-(request.Deadline.Ticks % TimeSpan.TicksPerSecond)));
    }

    [Fact]
    public void An_escaped_surrogate_pair_is_fine()
    {
        Assert.Equal("\U0001F600", Accepted<ErrorFrame>("""{"type":"error","code":"c","message":"\ud83d\ude00"}""").Message);
    }

    /// <summary>"a.0.b" -> the object holding "b" inside the first item of array "a".</summary>
    private static (JsonObject Parent, string Name) Locate(JsonObject root, string path)
    {
        var parts = path.Split('.');
        JsonNode current = root;
        foreach (var part in parts[..^1])
            current = int.TryParse(part, out var index) ? current[index]! : current[part]!;
        return (current.AsObject(), parts[^1]);
    }
}
