using System.Text;
using static HealthGateway.Integration.Tests.Infrastructure.ProtobufReader;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>A span as it arrived over OTLP: ids in hex (as in traceparent), string attributes, its resource's service name.</summary>
public sealed record OtlpSpan(string ServiceName, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind,
    IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>OTLP span kind 2 (SPAN_KIND_SERVER).</summary>
    public const int ServerKind = 2;

    /// <summary>The spans of an <c>ExportTraceServiceRequest</c> (opentelemetry/proto/collector/trace/v1).</summary>
    public static IEnumerable<OtlpSpan> ParseExportRequest(ReadOnlyMemory<byte> request)
    {
        foreach (var resourceSpans in Fields(request).Where(f => f.FieldNumber == 1))
        {
            var fields = Fields(resourceSpans.Bytes).ToList();
            var resource = fields.Where(f => f.FieldNumber == 1).Select(f => StringAttributes(f.Bytes, 1)).FirstOrDefault() ?? [];
            var service = resource.GetValueOrDefault("service.name", "");
            foreach (var scopeSpans in fields.Where(f => f.FieldNumber == 2))
            foreach (var span in Fields(scopeSpans.Bytes).Where(f => f.FieldNumber == 2))
                yield return ParseSpan(service, span.Bytes);
        }
    }

    private static OtlpSpan ParseSpan(string service, ReadOnlyMemory<byte> span)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
        foreach (var field in Fields(span))
        {
            switch (field.FieldNumber)
            {
                case 1: traceId = Convert.ToHexStringLower(field.Bytes.Span); break;
                case 2: spanId = Convert.ToHexStringLower(field.Bytes.Span); break;
                case 4: parent = Convert.ToHexStringLower(field.Bytes.Span); break;
                case 5: name = Encoding.UTF8.GetString(field.Bytes.Span); break;
                case 6: kind = (int)field.Number; break;
            }
        }
        return new OtlpSpan(service, traceId, spanId, parent, name, kind, StringAttributes(span, 9));
    }

    /// <summary>The string-valued KeyValue attributes in field <paramref name="fieldNumber"/> of a message.</summary>
    private static Dictionary<string, string> StringAttributes(ReadOnlyMemory<byte> message, int fieldNumber)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var keyValue in Fields(message).Where(f => f.FieldNumber == fieldNumber))
        {
            string? key = null, value = null;
            foreach (var part in Fields(keyValue.Bytes))
            {
                if (part.FieldNumber == 1) key = Encoding.UTF8.GetString(part.Bytes.Span);
                else if (part.FieldNumber == 2)
                    value = Fields(part.Bytes).Where(v => v.FieldNumber == 1).Select(v => Encoding.UTF8.GetString(v.Bytes.Span)).FirstOrDefault();
            }
            if (key is not null && value is not null) attributes[key] = value;
        }
        return attributes;
    }
}
