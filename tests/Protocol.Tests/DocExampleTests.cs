using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Protocol.Tests;

/// <summary>
/// docs/protocol.md is the spec third parties implement from, so it is tested: every example is exactly
/// what the encoder writes, every field table agrees with the decoder, every code and name is listed.
/// </summary>
public partial class DocExampleTests
{
    private static readonly Lazy<string> Doc = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "docs", "protocol.md");
            if (File.Exists(path) && File.Exists(Path.Combine(dir.FullName, "Akka.sln"))) return File.ReadAllText(path).ReplaceLineEndings("\n");
        }
        throw new FileNotFoundException("docs/protocol.md not found above " + AppContext.BaseDirectory);
    });

    private sealed record Example(string Marker, string Json, int Position);

    [GeneratedRegex(@"<!-- (frame|payload: \w+) -->\n```json\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex ExampleRegex();

    private static IReadOnlyList<Example> Examples() =>
        [.. ExampleRegex().Matches(Doc.Value).Select(m => new Example(m.Groups[1].Value, m.Groups[2].Value, m.Index))];

    [Fact]
    public void The_doc_has_examples()
    {
        Assert.True(Examples().Count(e => e.Marker == "frame") >= 10);
        Assert.True(Examples().Count(e => e.Marker.StartsWith("payload:", StringComparison.Ordinal)) >= 8);
    }

    [Fact]
    public void Every_frame_example_decodes_and_is_byte_for_byte_what_the_encoder_writes()
    {
        foreach (var example in Examples().Where(e => e.Marker == "frame"))
        {
            var result = FrameCodec.Decode(Encoding.UTF8.GetBytes(example.Json));
            Assert.True(result.IsSuccess, $"{result.Error} in doc example {example.Json}");
            Assert.Equal(example.Json, Encoding.UTF8.GetString(FrameCodec.Encode(result.Frame!)));
        }
    }

    [Fact]
    public void The_frame_examples_are_the_test_samples()
    {
        var encoded = Samples.Frames.Values.Select(f => Encoding.UTF8.GetString(FrameCodec.Encode(f))).ToHashSet();
        foreach (var example in Examples().Where(e => e.Marker == "frame"))
            Assert.Contains(example.Json, encoded);
    }

    [Fact]
    public void Every_frame_type_has_an_example()
    {
        var types = Examples().Where(e => e.Marker == "frame")
            .Select(e => JsonDocument.Parse(e.Json).RootElement.GetProperty("type").GetString()).ToHashSet();
        Assert.All(FrameCodec.FrameTypes, t => Assert.Contains(t, types));
    }

    [Fact]
    public void Every_payload_example_reads_as_its_contract_and_is_what_the_encoder_writes()
    {
        foreach (var example in Examples().Where(e => e.Marker.StartsWith("payload:", StringComparison.Ordinal)))
        {
            var name = example.Marker["payload: ".Length..];
            Assert.True(ContractTests.Contracts.ContainsKey(name), $"unknown contract {name}");
            var (_, typeInfo, from) = ContractTests.Contracts[name];
            var (value, error) = from(Samples.Element(example.Json));
            Assert.True(error is null, $"{name}: {error}");
            Assert.Equal(example.Json, JsonSerializer.SerializeToElement(value, typeInfo).GetRawText());
        }
    }

    private sealed record Row(string Field, bool Required);

    /// <summary>The last "| field | JSON type | required | meaning |" table before a position.</summary>
    private static IReadOnlyList<Row> TableBefore(int position)
    {
        var text = Doc.Value[..position];
        var header = text.LastIndexOf("| field | JSON type | required | meaning |", StringComparison.Ordinal);
        Assert.True(header >= 0, "no field table before the example at " + position);
        var rows = new List<Row>();
        foreach (var line in text[header..].Split('\n').Skip(2))
        {
            if (!line.StartsWith('|')) break;
            var cells = line.Split('|').Select(c => c.Trim()).ToArray();
            rows.Add(new Row(cells[1].Trim('`'), cells[3] switch
            {
                "yes" => true,
                "no" => false,
                _ => throw new InvalidOperationException("required must be yes or no: " + line),
            }));
        }
        return rows;
    }

    /// <summary>For each frame example: its fields are all in the table, and "required" is what the decoder enforces.</summary>
    [Fact]
    public void Field_tables_match_the_examples_and_the_decoder()
    {
        foreach (var example in Examples().Where(e => e.Marker == "frame"))
        {
            var rows = TableBefore(example.Position);
            var node = JsonNode.Parse(example.Json)!.AsObject();
            var documented = rows.Select(r => r.Field).ToHashSet();

            foreach (var (name, value) in node)
            {
                Assert.Contains(name, documented);
                if (value is JsonArray items)
                    foreach (var item in items.OfType<JsonObject>())
                        foreach (var (inner, _) in item)
                            Assert.Contains($"{name}[].{inner}", documented);
            }

            foreach (var row in rows.Where(r => r.Field != "type"))
            {
                var path = row.Field.Split("[].");
                var cut = JsonNode.Parse(example.Json)!.AsObject();
                bool removed;
                if (path.Length == 1) removed = cut.Remove(path[0]);
                else removed = (cut[path[0]] as JsonArray)?.OfType<JsonObject>().Select(o => o.Remove(path[1])).ToList().Any(r => r) ?? false;
                if (!removed) continue; // not present in this example

                var result = FrameCodec.Decode(Encoding.UTF8.GetBytes(cut.ToJsonString()));
                if (row.Required)
                    Assert.True(result.Error?.Code == ProtocolErrorCode.MissingField, $"'{row.Field}' is documented as required, but without it: {result.Error?.ToString() ?? "decoded"}");
                else
                    Assert.True(result.IsSuccess, $"'{row.Field}' is documented as optional, but without it: {result.Error}");
            }
        }
    }

    [Fact]
    public void The_close_code_table_lists_every_close_code_by_name()
    {
        var fields = typeof(CloseCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).ToArray();
        Assert.NotEmpty(fields);
        foreach (var field in fields)
            Assert.Contains($"| `{field.GetRawConstantValue()}` | {field.Name} |", Doc.Value);
    }

    [Fact]
    public void The_error_table_lists_every_decode_error_with_its_close_code()
    {
        foreach (var code in Enum.GetValues<ProtocolErrorCode>())
        {
            var error = new ProtocolError(code, "");
            var row = Doc.Value.Split('\n').SingleOrDefault(l => l.StartsWith($"| `{error.WireCode}` |", StringComparison.Ordinal));
            Assert.NotNull(row);
            Assert.EndsWith($"| `{error.CloseCode}` |", row);
        }
    }

    [Fact]
    public void Every_error_code_is_in_the_table_of_errors_before_a_close()
    {
        var section = Doc.Value[Doc.Value.IndexOf("**The `error` frame before a close.**", StringComparison.Ordinal)..];
        var codes = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!).ToArray();
        Assert.Equal(17, codes.Length); // with try_later and going_away (steered reconnects, section 12)
        foreach (var code in codes) Assert.Contains($"`{code}`", section);
        foreach (var code in Enum.GetValues<ProtocolErrorCode>())
            Assert.Contains(new ProtocolError(code, "").WireCode, codes);
    }

    [Fact]
    public void Every_operation_event_kind_and_status_is_documented()
    {
        string[] names =
        [
            .. typeof(Operations).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!),
            .. typeof(UnitEventKinds).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!),
        ];
        Assert.Equal(16, names.Length); // with patient.demographics (a compatible addition to version 1)
        foreach (var name in names) Assert.Contains($"| `{name}` |", Doc.Value);
        foreach (var code in typeof(EventRefusalCodes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!))
            Assert.Contains($"| `{code}` |", Doc.Value);

        foreach (var status in Enum.GetValues<ReplyStatus>())
        {
            using var reply = JsonDocument.Parse(FrameCodec.Encode(new Reply("r", status)));
            Assert.Contains($"| `{reply.RootElement.GetProperty("status").GetString()}` |", Doc.Value);
        }
        foreach (var status in Enum.GetValues<OutcomeStatus>())
        {
            using var ack = JsonDocument.Parse(FrameCodec.Encode(new Ack(1, [new DeliveryOutcome(1, "m", status)])));
            Assert.Contains($"`{ack.RootElement.GetProperty("outcomes")[0].GetProperty("status").GetString()}`", Doc.Value);
        }
    }

    [Fact]
    public void The_doc_states_the_protocol_constants()
    {
        Assert.Contains($"`{ProtocolConstants.SubProtocol}`", Doc.Value);
        Assert.Contains($"`hello.protocolVersion` (`{ProtocolConstants.Version}`)", Doc.Value);
        Assert.Contains(ProtocolConstants.DefaultMaxFrameBytes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), Doc.Value);
        Assert.Contains($"at most **{ProtocolConstants.MaxIdLength}**", Doc.Value);
        Assert.Contains($"at most {ProtocolConstants.MaxEventsPerFrame} events", Doc.Value);
        Assert.Contains($"up to **{ProtocolConstants.MaxUnacknowledgedEventBatches} unacknowledged batches**", Doc.Value);
        Assert.Contains($"at most **{ProtocolConstants.MaxUnacknowledgedEventBatches}** (`welcome.maxEventBatchesInFlight`)", Doc.Value);
    }
}
